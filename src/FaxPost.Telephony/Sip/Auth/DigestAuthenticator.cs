using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FaxPost.Telephony.Sip.Auth;

/// <summary>
/// Answers Digest challenges (RFC 3261 §22, RFC 7616 §3.4, RFC 8760) with qop=auth when offered.
/// Keeps the nonce count per nonce so repeated requests on one nonce send nc=2, 3... The cnonce
/// source is injectable so tests can use the RFC vectors.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly Func<string> _cnonce;
    private readonly object _gate = new();
    private string? _lastNonce;
    private uint _nonceCount;

    public DigestAuthenticator(Func<string>? cnonceSource = null)
    {
        _cnonce = cnonceSource ?? NewCnonce;
    }

    /// <summary>The value for an Authorization or Proxy-Authorization header answering <paramref name="challenge"/>.</summary>
    public string CreateAuthorization(DigestChallenge challenge, SipCredentials credentials, string method, string digestUri)
    {
        ArgumentNullException.ThrowIfNull(challenge);
        ArgumentNullException.ThrowIfNull(credentials);
        uint nc;
        lock (_gate)
        {
            if (!string.Equals(_lastNonce, challenge.Nonce, StringComparison.Ordinal))
            {
                _lastNonce = challenge.Nonce;
                _nonceCount = 0;
            }

            nc = ++_nonceCount;
        }

        var useQop = challenge.OffersQopAuth;
        var cnonce = useQop || IsSession(challenge.Algorithm) ? _cnonce() : null;
        var ncText = nc.ToString("x8", CultureInfo.InvariantCulture);
        var response = ComputeResponse(challenge.Algorithm, credentials.Username, challenge.Realm, credentials.Password,
            challenge.Nonce, method, digestUri, useQop ? "auth" : null, useQop ? ncText : null, cnonce);

        var sb = new StringBuilder("Digest username=\"").Append(Escape(credentials.Username))
            .Append("\", realm=\"").Append(Escape(challenge.Realm))
            .Append("\", nonce=\"").Append(Escape(challenge.Nonce))
            .Append("\", uri=\"").Append(Escape(digestUri))
            .Append("\", response=\"").Append(response).Append('"');
        if (challenge.AlgorithmGiven)
        {
            sb.Append(", algorithm=").Append(DigestChallenge.AlgorithmName(challenge.Algorithm));
        }

        if (cnonce is not null)
        {
            sb.Append(", cnonce=\"").Append(Escape(cnonce)).Append('"');
        }

        if (challenge.Opaque is not null)
        {
            sb.Append(", opaque=\"").Append(Escape(challenge.Opaque)).Append('"');
        }

        if (useQop)
        {
            sb.Append(", qop=auth, nc=").Append(ncText);
        }

        return sb.ToString();
    }

    /// <summary>
    /// request-digest of RFC 7616 §3.4.1: KD(H(A1), nonce:nc:cnonce:qop:H(A2)) with qop,
    /// KD(H(A1), nonce:H(A2)) without (RFC 2069 compatibility); A1 gains :nonce:cnonce for -sess.
    /// </summary>
    public static string ComputeResponse(
        DigestAlgorithm algorithm, string username, string realm, string password, string nonce,
        string method, string digestUri, string? qop, string? nc, string? cnonce)
    {
        var ha1 = Hash(algorithm, $"{username}:{realm}:{password}");
        if (IsSession(algorithm))
        {
            ha1 = Hash(algorithm, $"{ha1}:{nonce}:{cnonce}");
        }

        var ha2 = Hash(algorithm, $"{method}:{digestUri}");
        return qop is null
            ? Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }

    private static bool IsSession(DigestAlgorithm algorithm) => algorithm is DigestAlgorithm.Md5Sess or DigestAlgorithm.Sha256Sess;

    private static string Hash(DigestAlgorithm algorithm, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var digest = algorithm is DigestAlgorithm.Md5 or DigestAlgorithm.Md5Sess
#pragma warning disable CA5351 // RFC 8760 keeps MD5 for interoperability with existing SIP servers.
            ? MD5.HashData(bytes)
#pragma warning restore CA5351
            : SHA256.HashData(bytes);
        return Convert.ToHexStringLower(digest);
    }

    private static string Escape(string value) => value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string NewCnonce() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
