using System.Buffers;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>Low-level writing of SIP text to an <see cref="IBufferWriter{T}"/>.</summary>
internal static class SipWire
{
    public static void Write(IBufferWriter<byte> output, string text)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var n = Encoding.UTF8.GetBytes(text, span);
        output.Advance(n);
    }

    public static void WriteHeader(IBufferWriter<byte> output, SipHeaderKind kind, string name, string value, bool compact)
    {
        var letter = compact ? SipHeaderNames.CompactName(kind) : '\0';
        if (letter != '\0')
        {
            var span = output.GetSpan(1);
            span[0] = (byte)letter;
            output.Advance(1);
        }
        else
        {
            Write(output, name);
        }

        Write(output, ": ");
        Write(output, value);
        Write(output, "\r\n");
    }

    public static void WriteHeader(IBufferWriter<byte> output, SipHeaderKind kind, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool compact)
    {
        var letter = compact ? SipHeaderNames.CompactName(kind) : '\0';
        if (letter != '\0')
        {
            output.Write([(byte)letter]);
        }
        else if (kind != SipHeaderKind.Unknown && !compact && name.Length == 1)
        {
            // A compact name received, full names asked for.
            Write(output, SipHeaderNames.CanonicalName(kind)!);
        }
        else
        {
            output.Write(name);
        }

        output.Write(": "u8);
        output.Write(value);
        output.Write("\r\n"u8);
    }
}
