using FaxPost.Core.Lines;
using FaxPost.Fax.T30;

namespace FaxPost.Telephony.T38;

/// <summary>How a call on a <see cref="T38Endpoint"/> ended, before T.30 had its say or through it.</summary>
public enum T38CallEnd
{
    /// <summary>T.30 reached phase E; <see cref="T38CallResult.Completion"/> says how.</summary>
    Protocol,
    /// <summary>Receiving: no datagram came from any peer within the answer timeout.</summary>
    NoCall,
    /// <summary>The document to send could not be read or coded.</summary>
    DocumentError,
    /// <summary>The received pages could not be stored.</summary>
    StorageError,
    /// <summary>The call outlasted <see cref="T38EndpointOptions.CallTimeout"/>.</summary>
    CallTimeout,
    /// <summary>The caller cancelled.</summary>
    Cancelled,
    /// <summary>The socket failed.</summary>
    NetworkError,
    /// <summary>Receiving: the call was not accepted (no line budget, refused caller).</summary>
    Refused,
}

/// <summary>UDPTL and IFP counters of one call.</summary>
/// <param name="DatagramsReceived">Every datagram from the peer, well-formed or not.</param>
/// <param name="NotSent">IFP packets too large for <see cref="T38EndpointOptions.MaxDatagramSize"/>, dropped.</param>
/// <param name="Recovered">Lost packets rebuilt from the peer's secondaries or FEC parity.</param>
/// <param name="RecoveredByFec">Of those, the ones rebuilt from FEC parity.</param>
public readonly record struct T38LineStatistics(
    long DatagramsSent,
    long DatagramsReceived,
    long Malformed,
    long IfpErrors,
    long FromStrangers,
    long Lost,
    long Recovered,
    long NotSent = 0,
    long RecoveredByFec = 0);

/// <summary>The result of one fax call over T.38.</summary>
public sealed record T38CallResult
{
    public required T38CallEnd End { get; init; }

    /// <summary>T.30 phase E result (when <see cref="End"/> is <see cref="T38CallEnd.Protocol"/>).</summary>
    public T30Completion? Completion { get; init; }

    /// <summary>What went wrong, in words; empty on success.</summary>
    public string Reason { get; init; } = "";

    /// <summary>
    /// Pages of the document the far end confirmed (a page split for a shorter receiver counts once all
    /// of it is confirmed), or pages we confirmed and stored (receiving).
    /// </summary>
    public int Pages { get; init; }

    public int BitRate { get; init; }

    public T30Modulation? Modulation { get; init; }

    public T30Resolution? Resolution { get; init; }

    public T30Compression? Compression { get; init; }

    public bool Ecm { get; init; }

    /// <summary>
    /// We were the sending terminal: <see cref="T38Endpoint.SendAsync"/>, or an answer offering a
    /// document that the caller polled. False when we received (or nothing was exchanged).
    /// </summary>
    public bool Transmitted { get; init; }

    public string RemoteIdent { get; init; } = "";

    public string RemoteSubAddress { get; init; } = "";

    public TimeSpan Duration { get; init; }

    public T38LineStatistics Statistics { get; init; }

    public bool Success => End == T38CallEnd.Protocol && Completion == T30Completion.Ok;

    /// <summary>
    /// The call failed after some pages were confirmed: those pages (and only those) were delivered
    /// (sending) or stored (receiving); <see cref="Reason"/> says why the rest were not.
    /// </summary>
    public bool Partial => !Success && Pages > 0;

    /// <summary>What the post office should do about it: done, try again later, or give up.</summary>
    public CallResult CallResult => End switch
    {
        T38CallEnd.Protocol => Completion switch
        {
            T30Completion.Ok => CallResult.Success,
            // No DIS: no fax machine answered (T.30 §5.4.3.1, T1).
            T30Completion.NoIdentification => CallResult.NoAnswer,
            // The far end cannot receive, or we share no modem/mode: retrying will not change it.
            T30Completion.Incompatible or T30Completion.InvalidDcs => CallResult.PermanentFailure,
            // Polling: the far end has no document for us; asking again at once would not change that.
            T30Completion.NothingToPoll => CallResult.PermanentFailure,
            _ => CallResult.TemporaryFailure,
        },
        T38CallEnd.NoCall => CallResult.NoAnswer,
        T38CallEnd.DocumentError => CallResult.PermanentFailure,
        T38CallEnd.NetworkError => CallResult.LineUnavailable,
        _ => CallResult.TemporaryFailure,
    };

    public CallOutcome ToOutcome(string? line = null) =>
        new(CallResult, Pages, RemoteIdent.Length == 0 ? null : RemoteIdent, Duration, Success ? "OK" : Reason, line, BitRate, Ecm);
}
