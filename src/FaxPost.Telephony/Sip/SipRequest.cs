using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>A parsed SIP request: Method SP Request-URI SP SIP/2.0 (RFC 3261 §7.1).</summary>
public sealed class SipRequest : SipMessage
{
    private readonly int _methodLength;
    private readonly int _uriStart;
    private readonly int _uriLength;
    private string? _method;
    private SipUri? _uri;

    internal SipRequest(byte[] data, SipHeaderField[] fields, int bodyOffset, int bodyLength, int methodLength, int uriStart, int uriLength)
        : base(data, fields, bodyOffset, bodyLength)
    {
        _methodLength = methodLength;
        _uriStart = uriStart;
        _uriLength = uriLength;
    }

    public override bool IsRequest => true;

    public ReadOnlySpan<byte> MethodBytes => Slice(0, _methodLength);

    /// <summary>The method, case-sensitive as RFC 3261 §7.1 says.</summary>
    public string Method => _method ??= SipMethods.Intern(MethodBytes);

    public ReadOnlySpan<byte> RequestUriBytes => Slice(_uriStart, _uriLength);

    /// <summary>The Request-URI; throws <see cref="SipFormatException"/> when it is not a valid URI.</summary>
    public SipUri RequestUri => _uri ??= SipUri.Parse(Encoding.UTF8.GetString(RequestUriBytes));
}
