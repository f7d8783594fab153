using FaxPost.Core.Lines;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Trunks;

/// <summary>
/// Why an outbound INVITE did not become a fax call, in the post office's terms: the
/// <see cref="CallResult"/> the retry policy acts on, whether another trunk should be tried at once
/// (the trunk, not the destination, failed), and a reason for people.
/// </summary>
public readonly record struct SipCallFailure(CallResult Result, bool TryAnotherTrunk, string Reason)
{
    /// <summary>A final non-2xx response to our INVITE (RFC 3261 §21).</summary>
    public static SipCallFailure FromStatus(int status, string? reasonPhrase = null)
    {
        var said = $"{status} {(string.IsNullOrWhiteSpace(reasonPhrase) ? SipStatus.DefaultReason(status) : reasonPhrase.Trim())}";
        return status switch
        {
            // The callee is there but busy, or did not pick up: try later, same number.
            486 or 600 => new(CallResult.Busy, false, $"busy ({said})"),
            408 or 480 => new(CallResult.NoAnswer, false, $"no answer ({said})"),
            // 603: the far end declined; a fax machine that rejects now may take the call later.
            603 => new(CallResult.Busy, false, $"declined by the far end ({said})"),
            // The number does not exist or is incomplete: retrying changes nothing.
            404 or 484 or 604 or 410 => new(CallResult.PermanentFailure, false, $"the number does not exist ({said})"),
            485 => new(CallResult.PermanentFailure, false, $"the number is ambiguous ({said})"),
            // 488/606: the far end refused our session (T.38 or audio). No G.711 fallback yet.
            488 or 606 => new(CallResult.PermanentFailure, true, $"the far end does not accept a T.38 fax call ({said}); fax over audio is not supported yet"),
            // Our account on this trunk is refused (credentials, credit, barring): another trunk may work.
            401 or 407 => new(CallResult.LineUnavailable, true, $"the trunk refused our credentials ({said})"),
            402 or 403 => new(CallResult.LineUnavailable, true, $"the trunk refused the call ({said})"),
            // We cancelled (timeout, stop): a later try may work.
            487 => new(CallResult.TemporaryFailure, false, $"the call was cancelled ({said})"),
            // RFC 3261 §21.5: server failures are the trunk's, not the callee's.
            >= 500 and < 600 => new(CallResult.LineUnavailable, true, $"the trunk is unavailable ({said})"),
            >= 300 and < 400 => new(CallResult.TemporaryFailure, false, $"the call was redirected, which FaxPost does not follow ({said})"),
            >= 600 => new(CallResult.PermanentFailure, false, $"the far end refused the call everywhere ({said})"),
            _ => new(CallResult.TemporaryFailure, false, $"the call failed ({said})"),
        };
    }

    /// <summary>No final response came (RFC 3261 §17.1.1.2 Timer B) or the transport failed: the trunk is down.</summary>
    public static SipCallFailure TrunkDown(string trunk, string why) =>
        new(CallResult.LineUnavailable, true, $"trunk {trunk} did not answer: {why}");

    /// <summary>The trunk must register first and has no valid registration.</summary>
    public static SipCallFailure NotRegistered(string trunk, string why) =>
        new(CallResult.LineUnavailable, true, $"trunk {trunk} is not registered: {why}");

    /// <summary>
    /// Answered, but no T.38: the far end refused our re-INVITE (an audio-only peer: retrying will not
    /// change it), or no re-INVITE came from it in time (may work next time).
    /// </summary>
    public static SipCallFailure NoT38(string why, bool refused) =>
        new(refused ? CallResult.PermanentFailure : CallResult.TemporaryFailure, false, $"the call was answered but did not switch to T.38: {why}; fax over audio is not supported yet");

    public CallOutcome ToOutcome(string line, TimeSpan duration) => new(Result, 0, null, duration, Reason, line);
}
