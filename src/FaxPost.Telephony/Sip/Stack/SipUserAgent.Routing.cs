using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Where requests go (RFC 3261 §8.1.2, §18.1.1) and how they are built and authenticated.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>
    /// The transport and address for a URI: transport= or sips: decide the transport, else our
    /// default; the port is the URI's or 5060/5061. Names resolve by A/AAAA (no NAPTR/SRV yet).
    /// </summary>
    internal async Task<SipRemote> ResolveAsync(SipUri uri, CancellationToken ct)
    {
        var transport = uri.Scheme == "sips" ? SipTransportKind.Tls
            : uri.Transport is { } t ? SipRemote.ParseTransport(t)
            : _options.DefaultTransport;
        if (!_transports.ContainsKey(transport))
        {
            transport = _transports.Keys.First();
        }

        var host = uri.Host.Trim('[', ']');
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false);
            var family = _transports[transport].LocalEndPoint.AddressFamily;
            address = addresses.FirstOrDefault(a => a.AddressFamily == family) ?? addresses.FirstOrDefault()
                ?? throw new SipCallException(0, $"{host} has no address");
        }

        var port = uri.Port ?? (transport == SipTransportKind.Tls ? 5061 : 5060);
        var endPoint = new IPEndPoint(address, port);
        if (transport == SipTransportKind.Tls && !IPAddress.TryParse(host, out _) && _transports[transport] is SipStreamTransport tls)
        {
            tls.SetServerName(endPoint, host);
        }

        return new SipRemote(transport, endPoint);
    }

    /// <summary>A fresh Via for a request over <paramref name="transport"/> (RFC 3261 §8.1.1.7), asking for rport (RFC 3581 §3).</summary>
    internal SipVia NewVia(SipTransportKind transport)
    {
        var parameters = new SipParameters().Set("branch", SipIdentifiers.NewBranch()).Set("rport", null);
        var name = new SipRemote(transport, _transports[transport].LocalEndPoint).ViaTransport;
        return new SipVia(name, HostForUri, _transports[transport].LocalEndPoint.Port, parameters);
    }

    /// <summary>Our Contact for dialogs and registrations over <paramref name="transport"/>.</summary>
    internal string ContactFor(SipTransportKind transport, string? user = null)
    {
        var port = _transports.TryGetValue(transport, out var t) ? t.LocalEndPoint.Port : 5060;
        var scheme = transport == SipTransportKind.Tls ? "sips" : "sip";
        var suffix = transport == SipTransportKind.Tcp ? ";transport=tcp" : string.Empty;
        return string.Create(CultureInfo.InvariantCulture, $"<{scheme}:{user ?? _options.ContactUser}@{HostForUri}:{port}{suffix}>");
    }

    internal string HostForUri => _host.Contains(':', StringComparison.Ordinal) && !_host.StartsWith('[') ? $"[{_host}]" : _host;

    /// <summary>The first hop of a request: its top Route if any (loose or strict), else the Request-URI.</summary>
    internal static SipUri NextHop(SipOutgoingMessage request)
    {
        var route = request.Get(SipHeaderKind.Route);
        if (route is not null)
        {
            var first = SipTextReader.SplitList(route)[0];
            return SipNameAddress.Parse(first).Uri;
        }

        return SipUri.Parse(request.RequestUri!);
    }

    /// <summary>Adds the headers every request of ours carries after the routing ones.</summary>
    internal void AddCommon(SipOutgoingMessage request)
    {
        request.Add(SipHeaderKind.UserAgent, _options.UserAgent);
    }

    /// <summary>
    /// Sends an out-of-dialog request and answers one Digest challenge (RFC 3261 §22.2, RFC 8760):
    /// a second 401/407 that is not stale means the credentials were refused and is returned as is.
    /// <paramref name="build"/> makes the request for a CSeq number and Via (a new transaction each try).
    /// </summary>
    internal async Task<SipResponse> SendAuthenticatedAsync(
        Func<SipVia, SipOutgoingMessage> build,
        SipUri nextHop,
        SipCredentials? credentials,
        DigestAuthenticator authenticator,
        Action<SipOutgoingMessage>? sent,
        Action<SipResponse>? provisional,
        CancellationToken ct)
    {
        var remote = await ResolveAsync(nextHop, ct).ConfigureAwait(false);
        (SipHeaderKind Kind, string Value)? authorization = null;
        for (var attempt = 0; ; attempt++)
        {
            var request = build(NewVia(remote.Transport));
            if (authorization is { } a)
            {
                request.Add(a.Kind, a.Value);
            }

            sent?.Invoke(request);
            var response = await _layer.SendRequest(request, remote, provisional).WaitAsync(ct).ConfigureAwait(false);
            if (response.StatusCode is not (401 or 407) || credentials is null || attempt >= 3)
            {
                return response;
            }

            var challenge = DigestChallenge.SelectPreferred(response.StatusCode == 401 ? response.WwwAuthenticate : response.ProxyAuthenticate);
            if (challenge is null || !credentials.AppliesTo(challenge.Realm) || (authorization is not null && !challenge.Stale))
            {
                return response;
            }

            var kind = response.StatusCode == 401 ? SipHeaderKind.Authorization : SipHeaderKind.ProxyAuthorization;
            authorization = (kind, authenticator.CreateAuthorization(challenge, credentials, request.Method!, request.RequestUri!));
        }
    }

    internal static string Tagged(SipUri uri, string? displayName, string tag) =>
        new SipNameAddress(uri, displayName, new SipParameters().Set("tag", tag)).ToString();

    internal static bool IsSocketError(Exception e) => e is SocketException;
}
