using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>A parsed SIP response: SIP/2.0 SP Status-Code SP Reason-Phrase (RFC 3261 §7.2).</summary>
public sealed class SipResponse : SipMessage
{
    private readonly int _reasonStart;
    private readonly int _reasonLength;

    internal SipResponse(byte[] data, SipHeaderField[] fields, int bodyOffset, int bodyLength, int statusCode, int reasonStart, int reasonLength)
        : base(data, fields, bodyOffset, bodyLength)
    {
        StatusCode = statusCode;
        _reasonStart = reasonStart;
        _reasonLength = reasonLength;
    }

    public override bool IsRequest => false;

    public int StatusCode { get; }

    /// <summary>Reason-Phrase as UTF-8 text; may be empty (RFC 4475 §3.1.1.13).</summary>
    public string ReasonPhrase => Encoding.UTF8.GetString(Slice(_reasonStart, _reasonLength));

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;
}
