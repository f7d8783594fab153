using System.Globalization;
using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Dialogs;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Where requests go (RFC 3261 §8.1.2, §18.1.1) and how they are built and authenticated.</summary>
public sealed partial class SipUserAgent
{
    /// <summary>The first place to send a request for <paramref name="uri"/> (RFC 3263 §4).</summary>
    internal async Task<SipRemote> ResolveAsync(SipUri uri, CancellationToken ct) =>
        (await LocateAsync(uri, ct).ConfigureAwait(false))[0].Remote;

    /// <summary>
    /// Every place to send a request for <paramref name="uri"/>, in the order to try them (RFC 3263 §4:
    /// NAPTR, SRV, A/AAAA; §4.3 failover). TLS targets keep the URI's host as the name the server proves.
    /// </summary>
    internal async Task<IReadOnlyList<SipTarget>> LocateAsync(SipUri uri, CancellationToken ct)
    {
        SipTargetList located;
        try
        {
            located = await _locator.LocateAsync(uri, _transports.Keys, _options.DefaultTransport, ct).ConfigureAwait(false);
        }
        catch (Dns.DnsResolveException e)
        {
            throw new SipCallException(0, $"{uri.Host} could not be resolved: {e.Message}");
        }

        if (located.Targets.Count == 0)
        {
            throw new SipCallException(0, $"{uri.Host} has no address");
        }

        foreach (var target in located.Targets)
        {
            if (target.ServerName is { } name && _transports.GetValueOrDefault(target.Remote.Transport) is SipStreamTransport tls)
            {
                tls.SetServerName(target.Remote.EndPoint, name);
            }
        }

        return located.Targets;
    }

    /// <summary>
    /// RFC 3261 §18.1.1: a request for UDP larger than <see cref="SipUserAgentOptions.UdpMaxRequest"/>
    /// goes over TCP to the same address when we run TCP; the Via then says TCP.
    /// </summary>
    internal (SipOutgoingMessage Request, SipRemote Remote) BuildFor(SipRemote remote, Func<SipVia, SipOutgoingMessage> build)
    {
        var request = build(NewVia(remote.Transport));
        if (remote.Transport == SipTransportKind.Udp && _transports.ContainsKey(SipTransportKind.Tcp) &&
            request.ToArray().Length > _options.UdpMaxRequest)
        {
            var tcp = remote with { Transport = SipTransportKind.Tcp };
            return (build(NewVia(SipTransportKind.Tcp)), tcp);
        }

        return (request, remote);
    }

    /// <summary>
    /// RFC 3263 §4.3: whether a final response means the target could not be reached (a local timeout or
    /// transport failure), or a 503 from it, so the next target is worth trying.
    /// </summary>
    internal bool ShouldFailOver(SipResponse response) =>
        !_stopToken.IsCancellationRequested &&
        (response.StatusCode == 503 || (response.StatusCode == 408 && SipLocalResponse.IsLocal(response)));

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
    /// A target that cannot be reached is replaced by the name's next one (RFC 3263 §4.3) while
    /// <paramref name="mayFailOver"/> allows it.
    /// </summary>
    internal async Task<SipResponse> SendAuthenticatedAsync(
        Func<SipVia, SipOutgoingMessage> build,
        SipUri nextHop,
        SipCredentials? credentials,
        DigestAuthenticator authenticator,
        Action<SipOutgoingMessage, SipRemote>? sent,
        Action<SipResponse>? provisional,
        CancellationToken ct,
        Func<bool>? mayFailOver = null)
    {
        var targets = PreferAnswering(nextHop, await LocateAsync(nextHop, ct).ConfigureAwait(false));
        var index = 0;
        (SipHeaderKind Kind, string Value)? authorization = null;
        for (var attempt = 0; ; attempt++)
        {
            var (request, remote) = BuildFor(targets[index].Remote, via =>
            {
                var r = build(via);
                if (authorization is { } a)
                {
                    r.Add(a.Kind, a.Value);
                }

                return r;
            });
            sent?.Invoke(request, remote);
            var response = await _layer.SendRequest(request, remote, provisional).WaitAsync(ct).ConfigureAwait(false);

            // RFC 3263 §4.3: a target that cannot be reached gives way to the next, with a new transaction.
            if (ShouldFailOver(response) && index + 1 < targets.Count && (mayFailOver?.Invoke() ?? true))
            {
                SipStackLog.FailedOver(_log, request.Method!, remote.ToString(), response.StatusCode, targets[index + 1].Remote.ToString());
                index++;
                attempt--;
                continue;
            }

            RememberAnswering(nextHop, targets[index].Remote);
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

    /// <summary>
    /// The target that answered last for this host goes first, so a registration refresh does not wait
    /// out a dead first server's timer every time (RFC 3263 leaves the order within its rules to us).
    /// </summary>
    private IReadOnlyList<SipTarget> PreferAnswering(SipUri hop, IReadOnlyList<SipTarget> targets)
    {
        SipRemote good;
        lock (_answering)
        {
            if (!_answering.TryGetValue(HopKey(hop), out good))
            {
                return targets;
            }
        }

        var at = targets.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Remote == good, (default, -1)).Item2;
        return at <= 0 ? targets : [targets[at], .. targets.Where((_, i) => i != at)];
    }

    private void RememberAnswering(SipUri hop, SipRemote remote)
    {
        lock (_answering)
        {
            if (_answering.Count >= 256)
            {
                _answering.Clear();
            }

            _answering[HopKey(hop)] = remote;
        }
    }

    private static string HopKey(SipUri hop) => $"{hop.Scheme}:{hop.Host}:{hop.Port}:{hop.Transport}";

    internal static string Tagged(SipUri uri, string? displayName, string tag) =>
        new SipNameAddress(uri, displayName, new SipParameters().Set("tag", tag)).ToString();

    internal static bool IsSocketError(Exception e) => e is SocketException;
}
