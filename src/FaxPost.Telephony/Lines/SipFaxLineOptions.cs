using FaxPost.Core.Numbering;
using FaxPost.Telephony.T38;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Lines;

/// <summary>Settings of a <see cref="SipFaxLine"/>: the Sip section, the organisation's numbering, and per-call fax settings.</summary>
public sealed record SipFaxLineOptions
{
    public string Name { get; init; } = "sip";

    public required SipOptions Sip { get; init; }

    public required OrganisationNumbering Numbering { get; init; }

    /// <summary>Template for every fax (capabilities, pacing, timers); the line sets identity and negotiated media per call.</summary>
    public T38EndpointOptions Endpoint { get; init; } = new();

    /// <summary>How long an outbound call may ring before we give up (CANCEL): no answer.</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>With <see cref="T38Policy.AwaitPeer"/>: how long to wait for the peer's T.38 re-INVITE.</summary>
    public TimeSpan WaitForT38 { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>DNS for trunk names (NAPTR/SRV/A/AAAA, RFC 3263); null: Sip:Nameservers, or those of /etc/resolv.conf.</summary>
    public Sip.Dns.IDnsResolver? Dns { get; init; }

    /// <summary>Bind the UDPTL sockets here (default: any address).</summary>
    public System.Net.IPAddress? MediaBindAddress { get; init; }
}
