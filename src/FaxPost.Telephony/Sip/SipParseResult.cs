namespace FaxPost.Telephony.Sip;

public enum SipParseStatus
{
    /// <summary>More bytes are needed; nothing was consumed.</summary>
    Incomplete,

    /// <summary>A whole message was parsed; <see cref="SipParseResult.Consumed"/> bytes belong to it.</summary>
    Complete,

    /// <summary>The input is not a SIP message we accept; see <see cref="SipParseResult.Error"/>.</summary>
    Error,

    /// <summary>
    /// A keep-alive (RFC 5626 §4.4.1 on streams, §3.5.1 on datagrams): CRLFCRLF is a ping the
    /// receiver answers with CRLF (<see cref="SipParseResult.IsPing"/>), a lone CRLF is the pong.
    /// <see cref="SipParseResult.Consumed"/> covers it.
    /// </summary>
    KeepAlive,
}

/// <summary>Why a message was rejected. Each reason has a SIP status in <see cref="SipParseError.StatusCode"/>.</summary>
public enum SipParseErrorReason
{
    None,
    MessageTooLarge,
    TooManyHeaders,
    HeaderLineTooLong,
    StartLineTooLong,
    BadStartLine,
    BadMethod,
    BadRequestUri,
    UnsupportedVersion,
    BadStatusCode,
    BadHeaderName,
    MissingColon,
    BadHeaderValue,
    BadLineEnding,
    MissingContentLength,
    BadContentLength,
    ConflictingContentLength,
    BodyTruncated,
    MissingHeader,
    DuplicateHeader,
    CSeqMethodMismatch,
    ValueOutOfRange,
}

/// <summary>A parse failure: what, where (byte offset from the message start) and the status to answer with.</summary>
public readonly record struct SipParseError(SipParseErrorReason Reason, long Offset, int StatusCode)
{
    public override string ToString() => $"{Reason} at byte {Offset} (SIP {StatusCode})";

    internal static int StatusFor(SipParseErrorReason reason) => reason switch
    {
        // RFC 3261 §21.5.14: 513 for a message longer than the server can process.
        SipParseErrorReason.MessageTooLarge => 513,
        // RFC 3261 §21.4.12: 414 Request-URI Too Long.
        SipParseErrorReason.StartLineTooLong => 414,
        // RFC 3261 §21.5.6: 505 Version Not Supported.
        SipParseErrorReason.UnsupportedVersion => 505,
        _ => 400,
    };
}

/// <summary>
/// Outcome of one parse attempt: incomplete (consume nothing), complete (a message and the bytes
/// it used) or an error with a reason, an offset and the SIP status to answer with.
/// </summary>
public readonly struct SipParseResult
{
    private SipParseResult(SipParseStatus status, SipMessage? message, long consumed, SipParseError error)
    {
        Status = status;
        Message = message;
        Consumed = consumed;
        Error = error;
    }

    public SipParseStatus Status { get; }

    /// <summary>The parsed message when <see cref="Status"/> is Complete, else null.</summary>
    public SipMessage? Message { get; }

    /// <summary>Bytes of input the message occupied (including leading keep-alive CRLFs).</summary>
    public long Consumed { get; }

    public SipParseError Error { get; }

    /// <summary>For <see cref="SipParseStatus.KeepAlive"/>: a CRLFCRLF ping that wants a CRLF pong back.</summary>
    public bool IsPing { get; private init; }

    public static SipParseResult Incomplete { get; } = new(SipParseStatus.Incomplete, null, 0, default);

    internal static SipParseResult Complete(SipMessage message, long consumed) =>
        new(SipParseStatus.Complete, message, consumed, default);

    internal static SipParseResult Fail(SipParseErrorReason reason, long offset) =>
        new(SipParseStatus.Error, null, 0, new SipParseError(reason, offset, SipParseError.StatusFor(reason)));

    internal static SipParseResult Fail(SipParseError error) => new(SipParseStatus.Error, null, 0, error);

    internal static SipParseResult KeepAlive(long consumed, bool ping) =>
        new(SipParseStatus.KeepAlive, null, consumed, default) { IsPing = ping };

    public override string ToString() => Status switch
    {
        SipParseStatus.Complete => $"Complete({Consumed} bytes)",
        SipParseStatus.Error => $"Error({Error})",
        SipParseStatus.KeepAlive => IsPing ? "KeepAlive(ping)" : "KeepAlive(pong)",
        _ => "Incomplete",
    };
}
