using System.Net;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;
using FaxPost.Telephony.Sdp;

namespace FaxPost.Telephony.T38;

/// <summary>Settings for one <see cref="T38Endpoint"/> call.</summary>
public sealed record T38EndpointOptions
{
    /// <summary>Where our UDPTL socket listens; port 0 picks a free one.</summary>
    public IPEndPoint LocalEndPoint { get; init; } = new(IPAddress.Any, 0);

    /// <summary>
    /// The far end's UDPTL address. Null when receiving from whoever calls: the first datagram's
    /// source becomes the peer and datagrams from anyone else are dropped.
    /// </summary>
    public IPEndPoint? Peer { get; init; }

    /// <summary>T.38 version spoken (0–3; IFP encoding differs between 0–1 and 2–3).</summary>
    public int T38Version { get; init; }

    /// <summary>
    /// How our datagrams protect against loss (T.38 §9.1): secondaries (redundancy, SDP t38UDPRedundancy)
    /// or XOR parity (FEC, t38UDPFEC). Received datagrams are repaired whichever the peer uses.
    /// </summary>
    public UdptlErrorRecovery ErrorRecovery { get; init; } = UdptlErrorRecovery.Redundancy;

    /// <summary>UDPTL secondaries per datagram (T.38 §9.1 redundancy); 0 for none.</summary>
    public int Redundancy { get; init; } = 3;

    /// <summary>FEC: packets each parity entry covers (fec-npackets).</summary>
    public int FecSpan { get; init; } = 3;

    /// <summary>FEC: parity entries per datagram, each over an interleaved group.</summary>
    public int FecEntries { get; init; } = 3;

    /// <summary>Largest datagram we send (T38FaxMaxDatagram, SDP); secondaries that do not fit are left out.</summary>
    public int MaxDatagramSize { get; init; } = 400;

    /// <summary>
    /// Send image data at the DCS bit rate, as a gateway's modem would (T.38 §7). Off, datagrams go out
    /// in small bursts as fast as the peer's socket takes them (tests, benchmarks, peers that do not care).
    /// </summary>
    public bool Pacing { get; init; } = true;

    /// <summary>
    /// Without pacing: datagrams sent back to back before a pause of 1 ms per 8 (at least 1 ms), so the
    /// far end's socket buffer keeps up. Longer bursts cost less CPU at the same average rate.
    /// </summary>
    public int UnpacedBurst { get; init; } = 32;

    /// <summary>What we offer (receiving: our DIS) or accept (sending: the DCS we choose).</summary>
    public T30Capabilities Capabilities { get; init; } = new();

    /// <summary>Our TSI (sending) or CSI (receiving).</summary>
    public string LocalIdent { get; init; } = "";

    /// <summary>Sending: SUB and SID frames, when the far end offers them.</summary>
    public string SubAddress { get; init; } = "";

    public string SenderId { get; init; } = "";

    /// <summary>Sending: the resolution to send at; null for the document's own (adapted to what the far end takes).</summary>
    public T30Resolution? SendResolution { get; init; }

    /// <summary>T.30 T1: how long to wait for the far end to identify itself (DIS, or DCS).</summary>
    public TimeSpan T1 { get; init; } = TimeSpan.FromSeconds(35);

    /// <summary>Receiving without a known <see cref="Peer"/>: how long to wait for the first datagram.</summary>
    public TimeSpan AnswerTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Upper bound for the whole call, whatever the T.30 timers say.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Protocol trace, one line per event with the call's time (T.30 frames each way, image starts
    /// and ends, state changes, UDPTL packets lost for good); null for none. The call's receive and
    /// step loops both write to it, so it must be thread-safe.
    /// </summary>
    public Action<string>? Trace { get; init; }

    /// <summary>
    /// These options as the SDP agreement says (T.38 Annex D): version, the far end's datagram limit,
    /// and the error correction: t38UDPFEC sends FEC, t38UDPRedundancy redundancy, t38UDPNoEC neither.
    /// </summary>
    public T38EndpointOptions WithAgreed(T38Options agreed)
    {
        ArgumentNullException.ThrowIfNull(agreed);
        return this with
        {
            T38Version = Math.Clamp(agreed.Version, 0, 3),
            // The endpoint needs room for a 256-octet ECM frame; a peer announcing less still gets 300.
            MaxDatagramSize = Math.Clamp(agreed.MaxDatagram ?? MaxDatagramSize, 300, 65000),
            ErrorRecovery = agreed.ErrorCorrection == T38ErrorCorrection.Fec ? UdptlErrorRecovery.Fec : UdptlErrorRecovery.Redundancy,
            Redundancy = agreed.ErrorCorrection == T38ErrorCorrection.None ? 0 : Redundancy,
        };
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(LocalEndPoint);
        if (T38Version is < 0 or > 3)
        {
            throw new ArgumentOutOfRangeException(nameof(T38Version), T38Version, "T.38 versions are 0 to 3");
        }

        if (Redundancy is < 0 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(Redundancy), Redundancy, "redundancy is 0 to 16");
        }

        if (FecSpan is < 1 or > 8 || FecEntries is < 1 or > 8 || FecSpan * FecEntries > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(FecSpan), $"FEC span {FecSpan} x {FecEntries} entries: each 1 to 8, at most 32 packets in all");
        }

        // ECM frames carry 256 octets of data plus the HDLC header and IFP overhead.
        if (MaxDatagramSize is < 300 or > 65000)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDatagramSize), MaxDatagramSize, "the datagram limit must leave room for a 256-octet ECM frame (300 to 65000)");
        }

        if (UnpacedBurst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(UnpacedBurst));
        }
    }
}
