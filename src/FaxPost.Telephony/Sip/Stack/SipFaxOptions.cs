using FaxPost.Telephony.T38;

namespace FaxPost.Telephony.Sip.Stack;

/// <summary>Who moves an audio call to T.38 (per trunk in the product; issue 5 "lessons from the field").</summary>
public enum SipT38Policy
{
    /// <summary>We send the re-INVITE offering T.38 as soon as the call is up.</summary>
    Offer,

    /// <summary>We wait for the peer's re-INVITE (gateways that detect CNG/CED themselves).</summary>
    Wait,

    /// <summary>We never use T.38 (G.711 pass-through; not implemented yet, so such calls end with a clear reason).</summary>
    AudioOnly,
}

/// <summary>How a fax runs on a call: the T.38 policy and the endpoint settings (capabilities, ident, pacing).</summary>
public sealed record SipFaxOptions
{
    public SipT38Policy Policy { get; init; } = SipT38Policy.Offer;

    /// <summary>With <see cref="SipT38Policy.Wait"/>: how long to wait for the peer's T.38 re-INVITE.</summary>
    public TimeSpan WaitForT38 { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Template for the T.38 endpoint. <c>LocalEndPoint</c>, <c>Peer</c>, <c>T38Version</c> and
    /// <c>MaxDatagramSize</c> are replaced by the negotiated values; the rest is used as given.
    /// </summary>
    public T38EndpointOptions Endpoint { get; init; } = new();

    /// <summary>Send BYE once the fax is over (the peer may beat us to it).</summary>
    public bool HangUpAfterFax { get; init; } = true;

    /// <summary>
    /// Sending: how long to wait for the receiver's BYE after our DCN before sending ours. On a fast
    /// path a BYE can overtake the DCN datagram and cut the receiver's last page short; the receiver
    /// hangs up as soon as its fax is over.
    /// </summary>
    public TimeSpan SenderHangUpDelay { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Clock for the T.38 endpoint; null for the system clock.</summary>
    public TimeProvider? Time { get; init; }
}

/// <summary>How the fax part of a call went, before or after T.38.</summary>
public enum SipFaxEnd
{
    /// <summary>T.38 ran; <see cref="SipFaxResult.Fax"/> has the T.30 result (successful or not).</summary>
    FaxRan,

    /// <summary>The peer answered our T.38 re-INVITE with a failure (488 typically): an audio-only peer.</summary>
    T38Refused,

    /// <summary>The peer stayed on audio (no T.38 re-INVITE in time, or the policy is audio only).</summary>
    NoT38,

    /// <summary>The call ended before T.38 was agreed.</summary>
    CallEnded,
}

/// <summary>The result of a fax on a SIP call: the T.38 call result when T.38 ran, and the SIP side.</summary>
public sealed record SipFaxResult
{
    public required SipFaxEnd End { get; init; }

    /// <summary>The T.38/T.30 result; null when T.38 never started.</summary>
    public T38CallResult? Fax { get; init; }

    /// <summary>The SIP status that decided the outcome: 200 when T.38 ran, the re-INVITE's failure status, or 0.</summary>
    public int SipStatus { get; init; }

    /// <summary>Why the call ended, in words (for logs and the send/receive log).</summary>
    public string Reason { get; init; } = "";

    /// <summary>How the call ended (BYE by whom), when it has.</summary>
    public SipCallEnd? CallEnd { get; init; }

    public bool Success => End == SipFaxEnd.FaxRan && Fax?.Success == true;

    public override string ToString() => Fax is null ? $"{End}: {Reason}" : $"{End}: {Fax.End} {Fax.Completion} pages={Fax.Pages} {Reason}";
}
