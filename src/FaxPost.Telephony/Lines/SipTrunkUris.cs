using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Lines;

/// <summary>
/// The SIP URIs of a trunk: where REGISTER and INVITE go, our address of record, the callee's URI.
/// Calls and registrations go to the registrar (or the configured proxy); the domain names callees
/// and us. A domain other than the registrar's host is reached through the registrar as an outbound
/// proxy; each host is located by the user agent (RFC 3263: NAPTR, SRV, A/AAAA when it has no port).
/// </summary>
internal static class SipTrunkUris
{
    public static SipTransportKind Transport(SipTrunkOptions trunk) => trunk.Transport switch
    {
        SipTrunkTransport.Tcp => SipTransportKind.Tcp,
        SipTrunkTransport.Tls => SipTransportKind.Tls,
        _ => SipTransportKind.Udp,
    };

    public static SipT38Policy Policy(SipTrunkOptions trunk) => trunk.T38 switch
    {
        T38Policy.AwaitPeer => SipT38Policy.Wait,
        T38Policy.AudioOnly => SipT38Policy.AudioOnly,
        _ => SipT38Policy.Offer,
    };

    /// <summary>The registrar as a Request-URI for REGISTER: sip:host[:port][;transport=tcp|tls].</summary>
    public static SipUri Registrar(SipTrunkOptions trunk) => HostUri(trunk.Registrar, trunk, null, looseRouter: false);

    /// <summary>The next hop when it is not the Request-URI's host: the proxy, or the registrar when the domain differs from it.</summary>
    public static SipUri? OutboundProxy(SipTrunkOptions trunk)
    {
        if (trunk.Proxy.Length > 0)
        {
            return HostUri(trunk.Proxy, trunk, null, looseRouter: true);
        }

        return trunk.Domain.Length > 0 && !SameHost(trunk.Domain, trunk.Registrar) ? HostUri(trunk.Registrar, trunk, null, looseRouter: true) : null;
    }

    /// <summary>A user at the trunk: sip:user@domain, or sip:user@registrar-host:port when no domain is set.</summary>
    public static SipUri User(SipTrunkOptions trunk, string user) =>
        trunk.Domain.Length > 0 ? SipUri.Create("sip", user, trunk.Domain, null, TransportParameter(trunk)) : HostUri(trunk.Registrar, trunk, user, looseRouter: false);

    /// <summary>Our address of record (To/From of REGISTER).</summary>
    public static SipUri AddressOfRecord(SipTrunkOptions trunk) => User(trunk, trunk.Username.Length > 0 ? trunk.Username : "faxpost");

    private static SipUri HostUri(string hostPort, SipTrunkOptions trunk, string? user, bool looseRouter)
    {
        if (!TrunkHostPort.TryParse(hostPort, out var hp))
        {
            throw new ArgumentException($"'{hostPort}' is not host[:port].", nameof(hostPort));
        }

        var parameters = TransportParameter(trunk) ?? new SipParameters();
        if (looseRouter)
        {
            parameters = parameters.Set("lr", null);
        }

        return SipUri.Create("sip", user, hp.Host.Trim('[', ']'), hp.Port, parameters.Count == 0 ? null : parameters);
    }

    private static SipParameters? TransportParameter(SipTrunkOptions trunk) => trunk.Transport switch
    {
        SipTrunkTransport.Tcp => new SipParameters().Set("transport", "tcp"),
        SipTrunkTransport.Tls => new SipParameters().Set("transport", "tls"),
        _ => null,
    };

    private static bool SameHost(string domain, string registrar) =>
        TrunkHostPort.TryParse(registrar, out var hp) && string.Equals(hp.Host, domain, StringComparison.OrdinalIgnoreCase);
}
