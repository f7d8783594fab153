using System.Buffers;
using System.Buffers.Binary;

namespace FaxPost.Telephony.Sip.Dns;

/// <summary>Builds a query (RFC 1035 §4.1): one question, recursion desired.</summary>
public static class DnsQuery
{
    /// <summary>The most a one-question query can take: header, a 255-octet name, type and class.</summary>
    public const int MaxLength = 12 + DnsMessage.MaxNameLength + 4;

    /// <summary>
    /// Writes a query for <paramref name="name"/> (letters, digits, '-', '_', dots; a trailing dot is
    /// allowed) into <paramref name="destination"/> and returns its length.
    /// </summary>
    public static int Write(Span<byte> destination, ushort id, string name, DnsRecordType type)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (destination.Length < MaxLength)
        {
            throw new ArgumentException($"The buffer needs {MaxLength} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, id);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], 0x0100); // RD
        BinaryPrimitives.WriteUInt16BigEndian(destination[4..], 1);
        destination.Slice(6, 6).Clear();
        var offset = 12 + WriteName(destination[12..], name);
        BinaryPrimitives.WriteUInt16BigEndian(destination[offset..], (ushort)type);
        BinaryPrimitives.WriteUInt16BigEndian(destination[(offset + 2)..], 1); // IN
        return offset + 4;
    }

    /// <summary>Writes an uncompressed name; rejects empty labels, labels over 63 and names over 255 octets.</summary>
    internal static int WriteName(Span<byte> destination, string name)
    {
        var trimmed = name.EndsWith('.') ? name[..^1] : name;
        var at = 0;
        if (trimmed.Length > 0)
        {
            foreach (var range in trimmed.AsSpan().Split('.'))
            {
                var label = trimmed.AsSpan(range);
                if (label.Length is 0 or > 63)
                {
                    throw new ArgumentException($"'{name}' has an empty label or one longer than 63 characters.", nameof(name));
                }

                if (at + 1 + label.Length + 1 > DnsMessage.MaxNameLength)
                {
                    throw new ArgumentException($"'{name}' is longer than 255 octets.", nameof(name));
                }

                destination[at++] = (byte)label.Length;
                foreach (var c in label)
                {
                    if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                    {
                        throw new ArgumentException($"'{name}' has a character a host name cannot have ('{c}').", nameof(name));
                    }

                    destination[at++] = (byte)c;
                }
            }
        }

        destination[at++] = 0;
        return at;
    }
}

/// <summary>
/// DNS over TCP framing (RFC 1035 §4.2.2): each message follows a two-octet length. Input may come in
/// any chunks; nothing is consumed until a whole message is there.
/// </summary>
public static class DnsStreamFrame
{
    /// <summary>Takes one whole message off the front of <paramref name="buffer"/>; false when more input is needed.</summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> message)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out short raw) || reader.Remaining < (ushort)raw)
        {
            message = default;
            return false;
        }

        message = buffer.Slice(2, (ushort)raw);
        buffer = buffer.Slice(message.End);
        return true;
    }
}
