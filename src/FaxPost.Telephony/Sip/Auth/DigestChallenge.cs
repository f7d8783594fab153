using System.Text;

namespace FaxPost.Telephony.Sip.Auth;

/// <summary>Digest hash algorithms for SIP (RFC 8760 §2: MD5, SHA-256 and their -sess forms).</summary>
public enum DigestAlgorithm
{
    Md5,
    Md5Sess,
    Sha256,
    Sha256Sess,
}

/// <summary>
/// A WWW-Authenticate / Proxy-Authenticate Digest challenge (RFC 3261 §22.4, RFC 7616 §3.3,
/// RFC 8760). Unknown parameters are ignored; an unknown algorithm makes the challenge unusable.
/// </summary>
public sealed class DigestChallenge
{
    private DigestChallenge(string realm, string nonce)
    {
        Realm = realm;
        Nonce = nonce;
    }

    public string Realm { get; }

    public string Nonce { get; }

    public string? Opaque { get; private init; }

    public DigestAlgorithm Algorithm { get; private init; }

    /// <summary>Whether the algorithm parameter was present (we echo it back only then, as RFC 2617 clients expect).</summary>
    public bool AlgorithmGiven { get; private init; }

    /// <summary>qop options offered; empty for an RFC 2069 style challenge.</summary>
    public IReadOnlyList<string> Qop { get; private init; } = [];

    /// <summary>RFC 7616 §3.3: the nonce was stale, retry with the new one without asking the user.</summary>
    public bool Stale { get; private init; }

    public bool OffersQopAuth => Qop.Contains("auth", StringComparer.OrdinalIgnoreCase);

    /// <summary>Parses one challenge header value; false when it is not a Digest challenge we can answer.</summary>
    public static bool TryParse(string headerValue, out DigestChallenge challenge)
    {
        challenge = null!;
        var value = headerValue.AsSpan().Trim();
        var space = value.IndexOfAny(' ', '\t');
        if (space <= 0 || !value[..space].Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (!DigestParameters.TryParse(value[(space + 1)..], out var parameters) ||
            !parameters.TryGetValue("realm", out var realm) || !parameters.TryGetValue("nonce", out var nonce))
        {
            return false;
        }

        var algorithm = DigestAlgorithm.Md5;
        var given = parameters.TryGetValue("algorithm", out var algorithmName);
        if (given && !TryParseAlgorithm(algorithmName!, out algorithm))
        {
            return false;
        }

        var qop = new List<string>();
        if (parameters.TryGetValue("qop", out var qopList))
        {
            foreach (var item in qopList.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                qop.Add(item);
            }
        }

        challenge = new DigestChallenge(realm, nonce)
        {
            Opaque = parameters.GetValueOrDefault("opaque"),
            Algorithm = algorithm,
            AlgorithmGiven = given,
            Qop = qop,
            Stale = string.Equals(parameters.GetValueOrDefault("stale"), "true", StringComparison.OrdinalIgnoreCase),
        };
        return true;
    }

    /// <summary>
    /// Picks the challenge to answer from several (one per header field, topmost first): per
    /// RFC 8760 §2.4 the topmost one with an algorithm we support.
    /// </summary>
    public static DigestChallenge? SelectPreferred(IEnumerable<string> headerValues)
    {
        foreach (var value in headerValues)
        {
            if (TryParse(value, out var challenge))
            {
                return challenge;
            }
        }

        return null;
    }

    internal static bool TryParseAlgorithm(string name, out DigestAlgorithm algorithm)
    {
        algorithm = name.ToUpperInvariant() switch
        {
            "MD5" => DigestAlgorithm.Md5,
            "MD5-SESS" => DigestAlgorithm.Md5Sess,
            "SHA-256" => DigestAlgorithm.Sha256,
            "SHA-256-SESS" => DigestAlgorithm.Sha256Sess,
            _ => (DigestAlgorithm)(-1),
        };
        return (int)algorithm >= 0;
    }

    internal static string AlgorithmName(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Md5 => "MD5",
        DigestAlgorithm.Md5Sess => "MD5-sess",
        DigestAlgorithm.Sha256 => "SHA-256",
        _ => "SHA-256-sess",
    };

    public override string ToString()
    {
        var sb = new StringBuilder("Digest realm=\"").Append(Realm).Append("\", nonce=\"").Append(Nonce).Append('"');
        if (AlgorithmGiven)
        {
            sb.Append(", algorithm=").Append(AlgorithmName(Algorithm));
        }

        if (Qop.Count > 0)
        {
            sb.Append(", qop=\"").Append(string.Join(',', Qop)).Append('"');
        }

        if (Opaque is not null)
        {
            sb.Append(", opaque=\"").Append(Opaque).Append('"');
        }

        if (Stale)
        {
            sb.Append(", stale=TRUE");
        }

        return sb.ToString();
    }
}
