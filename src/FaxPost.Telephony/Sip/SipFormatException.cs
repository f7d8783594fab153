namespace FaxPost.Telephony.Sip;

/// <summary>A header value or URI that does not follow RFC 3261; carries the status to answer with.</summary>
public sealed class SipFormatException : FormatException
{
    public SipFormatException(SipParseErrorReason reason, string message)
        : base(message)
    {
        Reason = reason;
    }

    public SipParseErrorReason Reason { get; }

    public int StatusCode => SipParseError.StatusFor(Reason);
}
