using System.Buffers;
using System.Globalization;

namespace FaxPost.Telephony.Sip;

/// <summary>Re-serialising a parsed message (a proxy or a test): header order and values kept as received.</summary>
public abstract partial class SipMessage
{
    /// <summary>
    /// Writes the message back: start line and headers as received (folding already unfolded),
    /// Content-Length recomputed from the body, full or compact names.
    /// </summary>
    public void WriteTo(IBufferWriter<byte> output, bool compact = false)
    {
        var startLineEnd = _data.AsSpan().IndexOf("\r\n"u8);
        output.Write(_data.AsSpan(0, startLineEnd + 2));
        for (var i = 0; i < _fields.Length; i++)
        {
            var f = _fields[i];
            if (f.Kind == SipHeaderKind.ContentLength)
            {
                continue;
            }

            SipWire.WriteHeader(output, f.Kind, HeaderNameBytes(i), HeaderValueBytes(i), compact);
        }

        SipWire.WriteHeader(output, SipHeaderKind.ContentLength, "Content-Length", _bodyLength.ToString(CultureInfo.InvariantCulture), compact);
        output.Write("\r\n"u8);
        output.Write(Body.Span);
    }
}
