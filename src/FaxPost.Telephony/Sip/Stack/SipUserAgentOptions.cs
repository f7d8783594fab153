using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip.Dns;
using FaxPost.Telephony.Sip.Transactions;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Settings of a <see cref="SipUserAgent"/>: where it listens, how it names itself, its limits and timers.</summary>
public sealed record SipUserAgentOptions
{
    /// <summary>UDP listening address; null for no UDP.</summary>
    public IPEndPoint? Udp { get; init; } = new(IPAddress.Any, 5060);

    /// <summary>TCP listening address; null for no TCP.</summary>
    public IPEndPoint? Tcp { get; init; }

    /// <summary>TLS listening address; used only with <see cref="TlsCertificate"/>.</summary>
    public IPEndPoint? Tls { get; init; }

    /// <summary>Our certificate for TLS (server side, and client side when a peer asks).</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    /// <summary>Checks a TLS peer's certificate; null uses the system's rules.</summary>
    public RemoteCertificateValidationCallback? TlsCertificateValidation { get; init; }

    /// <summary>
    /// Host or address we put in Via, Contact and SDP (a NAT's public address, a DNS name). Null: the
    /// bound address, or this machine's first non-loopback IPv4 address when bound to any.
    /// </summary>
    public string? AdvertisedHost { get; init; }

    /// <summary>Address UDPTL (and later RTP) sockets bind to.</summary>
    public IPAddress MediaBindAddress { get; init; } = IPAddress.Any;

    /// <summary>Address put in SDP c= lines; null: <see cref="AdvertisedHost"/> (if an address) or the media bind address.</summary>
    public IPAddress? MediaAdvertisedAddress { get; init; }

    /// <summary>User part of our Contact URI.</summary>
    public string ContactUser { get; init; } = "faxpost";

    /// <summary>User-Agent / Server header value.</summary>
    public string UserAgent { get; init; } = "FaxPost";

    /// <summary>Transport for URIs that do not name one (no transport= parameter, not sips:).</summary>
    public SipTransportKind DefaultTransport { get; init; } = SipTransportKind.Udp;

    public SipParseLimits Limits { get; init; } = SipParseLimits.Default;

    public SipTimerSettings Timers { get; init; } = SipTimerSettings.Default;

    /// <summary>Most TCP/TLS connections open at once; more are refused.</summary>
    public int MaxConnections { get; init; } = 256;

    /// <summary>Session interval we ask for (RFC 4028 §4); zero for no session timer.</summary>
    public TimeSpan SessionExpires { get; init; } = TimeSpan.FromSeconds(1800);

    /// <summary>Smallest session interval we accept (RFC 4028 §5: at least 90 s on the public network).</summary>
    public TimeSpan MinSessionExpires { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// DNS for NAPTR/SRV/A/AAAA (RFC 3263); null: a resolver on /etc/resolv.conf's nameservers. Names
    /// DNS does not know (the hosts file) fall back to the system's lookup.
    /// </summary>
    public IDnsResolver? Dns { get; init; }

    /// <summary>RFC 3261 §18.1.1: a request over UDP larger than this goes over TCP when we run TCP.</summary>
    public int UdpMaxRequest { get; init; } = 1300;

    /// <summary>Our T.38 capabilities for SDP; null for no T.38.</summary>
    public T38Options? T38 { get; init; } = new SdpLocalCapabilities { Address = "0.0.0.0" }.T38;

    internal void Validate()
    {
        if (Udp is null && Tcp is null && (Tls is null || TlsCertificate is null))
        {
            throw new ArgumentException("A SIP user agent needs at least one transport (UDP, TCP, or TLS with a certificate).");
        }

        if (Tls is not null && TlsCertificate is null)
        {
            throw new ArgumentException("TLS needs a certificate (TlsCertificate).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConnections, 1);
        ArgumentException.ThrowIfNullOrWhiteSpace(ContactUser);
    }
}
