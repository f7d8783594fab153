using System.Globalization;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>A registration at a registrar (RFC 3261 §10): who we are, where, with which credentials.</summary>
public sealed record SipRegistration
{
    /// <summary>The registrar's URI (Request-URI of REGISTER), e.g. sip:sip.example.net.</summary>
    public required SipUri Registrar { get; init; }

    /// <summary>Our address of record (To and From), e.g. sip:4930123456@sip.example.net.</summary>
    public required SipUri AddressOfRecord { get; init; }

    /// <summary>For the registrar's Digest challenge (MD5 or SHA-256, RFC 8760). Never logged.</summary>
    public SipCredentials? Credentials { get; init; }

    /// <summary>The binding lifetime we ask for.</summary>
    public TimeSpan Expires { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Send through this proxy instead of to the registrar directly.</summary>
    public SipUri? OutboundProxy { get; init; }

    /// <summary>User part of the Contact we register; default the UA's contact user.</summary>
    public string? ContactUser { get; init; }
}

/// <summary>The outcome of one REGISTER exchange.</summary>
/// <param name="Expires">The lifetime the registrar granted (zero when unregistered or failed).</param>
/// <param name="CredentialsRejected">The registrar refused our credentials (401/407 after we answered the challenge, or 403).</param>
public sealed record SipRegistrationResult(int StatusCode, string ReasonPhrase, TimeSpan Expires, bool CredentialsRejected)
{
    public bool Success => StatusCode is >= 200 and < 300;
}

/// <summary>
/// One registration's state across REGISTERs: the same Call-ID and growing CSeq (RFC 3261 §10.2.4),
/// and one Digest nonce count.
/// </summary>
internal sealed class SipRegistrationSession
{
    private readonly SipUserAgent _ua;
    private readonly SipRegistration _registration;
    private readonly DigestAuthenticator _authenticator = new();
    private readonly string _callId;
    private readonly string _fromTag = SipIdentifiers.NewTag();
    private uint _cseq;

    public SipRegistrationSession(SipUserAgent ua, SipRegistration registration)
    {
        _ua = ua;
        _registration = registration;
        _callId = SipIdentifiers.NewCallId(ua.Host);
    }

    public SipRegistration Registration => _registration;

    public async Task<SipRegistrationResult> RegisterAsync(TimeSpan expires, CancellationToken ct)
    {
        var seconds = (long)expires.TotalSeconds;
        string? contact = null;
        for (var attempt = 0; ; attempt++)
        {
            var authorizationSent = false;
            SipResponse response;
            try
            {
                response = await _ua.SendAuthenticatedAsync(
                    via =>
                    {
                        contact = _ua.ContactFor(SipRemote.ParseTransport(via.Transport), _registration.ContactUser);
                        var request = SipOutgoingMessage.Request(SipMethods.Register, _registration.Registrar);
                        request.Add(SipHeaderKind.Via, via.ToString());
                        if (_registration.OutboundProxy is { } proxy)
                        {
                            request.Add(SipHeaderKind.Route, $"<{(proxy.IsLooseRouter ? proxy.ToString() : proxy + ";lr")}>");
                        }

                        request.Add(SipHeaderKind.MaxForwards, "70");
                        request.Add(SipHeaderKind.From, SipUserAgent.Tagged(_registration.AddressOfRecord, null, _fromTag));
                        request.Add(SipHeaderKind.To, new SipNameAddress(_registration.AddressOfRecord).ToString());
                        request.Add(SipHeaderKind.CallId, _callId);
                        request.Add(SipHeaderKind.CSeq, string.Create(CultureInfo.InvariantCulture, $"{Interlocked.Increment(ref _cseq)} REGISTER"));
                        request.Add(SipHeaderKind.Contact, contact);
                        request.Add(SipHeaderKind.Expires, seconds.ToString(CultureInfo.InvariantCulture));
                        request.Add(SipHeaderKind.Allow, SipUserAgent.AllowedMethods);
                        _ua.AddCommon(request);
                        return request;
                    },
                    _registration.OutboundProxy ?? _registration.Registrar,
                    _registration.Credentials,
                    _authenticator,
                    (request, _) => authorizationSent |= request.Get(SipHeaderKind.Authorization) is not null || request.Get(SipHeaderKind.ProxyAuthorization) is not null,
                    null,
                    ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Net.Sockets.SocketException or SipCallException)
            {
                return new SipRegistrationResult(503, $"Service Unavailable ({e.Message})", TimeSpan.Zero, false);
            }

            // RFC 3261 §10.2.8: 423 says the shortest lifetime the registrar takes.
            if (response.StatusCode == 423 && response.MinExpires is long min && attempt < 2 && min > seconds)
            {
                seconds = min;
                continue;
            }

            if (!response.IsSuccess)
            {
                var rejected = response.StatusCode == 403 || (response.StatusCode is 401 or 407 && authorizationSent);
                return new SipRegistrationResult(response.StatusCode, response.ReasonPhrase, TimeSpan.Zero, rejected);
            }

            return new SipRegistrationResult(response.StatusCode, response.ReasonPhrase, Granted(response, contact, seconds), false);
        }
    }

    /// <summary>RFC 3261 §10.2.4: our Contact's expires parameter in the 200, else Expires, else what we asked.</summary>
    private static TimeSpan Granted(SipResponse response, string? contact, long asked)
    {
        if (contact is not null && SipNameAddress.TryParse(contact, out var ours))
        {
            foreach (var binding in response.Contacts)
            {
                if (!binding.IsWildcard && string.Equals(binding.Uri.Host, ours.Uri.Host, StringComparison.OrdinalIgnoreCase) &&
                    binding.Uri.Port == ours.Uri.Port && string.Equals(binding.Uri.User, ours.Uri.User, StringComparison.Ordinal) &&
                    long.TryParse(binding.Parameters["expires"], NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                {
                    return TimeSpan.FromSeconds(e);
                }
            }
        }

        return TimeSpan.FromSeconds(response.Expires ?? asked);
    }
}
