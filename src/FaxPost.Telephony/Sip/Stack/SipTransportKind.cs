using System.Net;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>The transports a SIP UA speaks (RFC 3261 §18).</summary>
public enum SipTransportKind
{
    Udp,
    Tcp,
    Tls,
}

/// <summary>Where a message came from or goes to: the transport and the far end's address.</summary>
public readonly record struct SipRemote(SipTransportKind Transport, IPEndPoint EndPoint)
{
    public bool IsReliable => Transport != SipTransportKind.Udp;

    /// <summary>The Via transport token (RFC 3261 §20.42).</summary>
    public string ViaTransport => Transport switch
    {
        SipTransportKind.Tcp => "TCP",
        SipTransportKind.Tls => "TLS",
        _ => "UDP",
    };

    public override string ToString() => $"{ViaTransport}:{EndPoint}";

    internal static SipTransportKind ParseTransport(string? token) => token?.ToUpperInvariant() switch
    {
        "TCP" => SipTransportKind.Tcp,
        "TLS" => SipTransportKind.Tls,
        _ => SipTransportKind.Udp,
    };
}
