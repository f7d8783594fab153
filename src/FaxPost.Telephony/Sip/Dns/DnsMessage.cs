using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Text;

namespace FaxPost.Telephony.Sip.Dns;

/// <summary>
/// A DNS message as read from the wire (RFC 1035 §4.1): header, questions and the three record
/// sections. <see cref="Parse"/> is pure; every defect (cut short, a compression pointer loop, RDATA
/// that does not fill its length) is a <see cref="DnsFormatException"/>, never an index error.
/// </summary>
public sealed class DnsMessage
{
    /// <summary>RFC 1035 §2.3.4: a name is at most 255 octets on the wire, a label 63.</summary>
    public const int MaxNameLength = 255;

    private DnsMessage(ushort id, ushort flags)
    {
        Id = id;
        Flags = flags;
    }

    public ushort Id { get; }

    /// <summary>The 16 flag bits of the header (QR, Opcode, AA, TC, RD, RA, Z, RCODE).</summary>
    public ushort Flags { get; }

    public bool IsResponse => (Flags & 0x8000) != 0;

    /// <summary>TC: the answer did not fit in the datagram; ask again over TCP (RFC 1035 §4.2.1).</summary>
    public bool Truncated => (Flags & 0x0200) != 0;

    public DnsResponseCode ResponseCode => (DnsResponseCode)(Flags & 0x000F);

    public List<DnsQuestion> Questions { get; } = [];

    public List<DnsRecord> Answers { get; } = [];

    public List<DnsRecord> Authorities { get; } = [];

    public List<DnsRecord> Additionals { get; } = [];

    /// <summary>Reads a whole message (a UDP payload, or a TCP frame without its length prefix).</summary>
    public static DnsMessage Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length < 12)
        {
            Fail("shorter than a header", message.Length);
        }

        var result = new DnsMessage(BinaryPrimitives.ReadUInt16BigEndian(message), BinaryPrimitives.ReadUInt16BigEndian(message[2..]));
        var qd = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var an = BinaryPrimitives.ReadUInt16BigEndian(message[6..]);
        var ns = BinaryPrimitives.ReadUInt16BigEndian(message[8..]);
        var ar = BinaryPrimitives.ReadUInt16BigEndian(message[10..]);

        // A question takes at least 5 octets and a record 11: counts past that cannot be true.
        if ((qd * 5L) + ((an + ns + ar) * 11L) > message.Length - 12)
        {
            Fail("section counts larger than the message", 4);
        }

        var offset = 12;
        for (var i = 0; i < qd; i++)
        {
            var name = ReadName(message, ref offset, message.Length);
            Need(message, offset, 4);
            result.Questions.Add(new DnsQuestion(
                name,
                (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]),
                BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..])));
            offset += 4;
        }

        ReadRecords(message, ref offset, an, result.Answers);
        ReadRecords(message, ref offset, ns, result.Authorities);
        ReadRecords(message, ref offset, ar, result.Additionals);
        return result;
    }

    /// <summary>Like <see cref="Parse"/> but says "malformed" with a reason instead of throwing.</summary>
    public static bool TryParse(ReadOnlySpan<byte> message, [NotNullWhen(true)] out DnsMessage? result, [NotNullWhen(false)] out string? error)
    {
        try
        {
            result = Parse(message);
            error = null;
            return true;
        }
        catch (DnsFormatException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    private static void ReadRecords(ReadOnlySpan<byte> message, ref int offset, int count, List<DnsRecord> into)
    {
        for (var i = 0; i < count; i++)
        {
            var name = ReadName(message, ref offset, message.Length);
            Need(message, offset, 10);
            var type = (DnsRecordType)BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var cls = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
            offset += 10;
            Need(message, offset, length);

            // RFC 2181 §8: a TTL with the top bit set is read as zero.
            if (ttl > int.MaxValue)
            {
                ttl = 0;
            }

            var end = offset + length;
            into.Add(ReadData(message, name, type, cls, ttl, offset, end));
            offset = end;
        }
    }

    private static DnsRecord ReadData(ReadOnlySpan<byte> message, string name, DnsRecordType type, ushort cls, uint ttl, int start, int end)
    {
        var at = start;
        DnsRecord record;
        switch (type)
        {
            case DnsRecordType.A when cls == 1:
                Exact(end - start, 4, start);
                record = new DnsAddressRecord(name, type, ttl, new IPAddress(message.Slice(start, 4)));
                at = end;
                break;
            case DnsRecordType.Aaaa when cls == 1:
                Exact(end - start, 16, start);
                record = new DnsAddressRecord(name, type, ttl, new IPAddress(message.Slice(start, 16)));
                at = end;
                break;
            case DnsRecordType.Cname:
                record = new DnsCnameRecord(name, ttl, ReadName(message, ref at, end));
                break;
            case DnsRecordType.Srv:
                Need(message, at, 6, end);
                var priority = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
                var weight = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
                var port = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 4)..]);
                at += 6;
                record = new DnsSrvRecord(name, ttl, priority, weight, port, ReadName(message, ref at, end));
                break;
            case DnsRecordType.Naptr:
                Need(message, at, 4, end);
                var order = BinaryPrimitives.ReadUInt16BigEndian(message[at..]);
                var preference = BinaryPrimitives.ReadUInt16BigEndian(message[(at + 2)..]);
                at += 4;
                var flags = ReadCharacterString(message, ref at, end);
                var services = ReadCharacterString(message, ref at, end);
                var regexp = ReadCharacterString(message, ref at, end);
                record = new DnsNaptrRecord(name, ttl, order, preference, flags, services, regexp, ReadName(message, ref at, end));
                break;
            case DnsRecordType.Soa:
                var primary = ReadName(message, ref at, end);
                var mailbox = ReadName(message, ref at, end);
                Need(message, at, 20, end);
                record = new DnsSoaRecord(name, ttl, primary, mailbox,
                    BinaryPrimitives.ReadUInt32BigEndian(message[at..]),
                    BinaryPrimitives.ReadUInt32BigEndian(message[(at + 4)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(message[(at + 8)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(message[(at + 12)..]),
                    BinaryPrimitives.ReadUInt32BigEndian(message[(at + 16)..]));
                at += 20;
                break;
            default:
                record = new DnsOtherRecord(name, type, cls, ttl, message[start..end].ToArray());
                at = end;
                break;
        }

        if (at != end)
        {
            Fail($"{type} data is {end - start} octets but its fields take {at - start}", start);
        }

        return record;
    }

    /// <summary>
    /// Reads a domain name (RFC 1035 §3.1, §4.1.4). Each compression pointer must point before the
    /// label sequence that holds it, so the walk always moves backwards and ends. The labels read in
    /// place (before any pointer) must lie before <paramref name="end"/>.
    /// </summary>
    internal static string ReadName(ReadOnlySpan<byte> message, ref int offset, int end)
    {
        var text = new StringBuilder(32);
        var position = offset;
        var limit = end;
        var segmentStart = offset;
        var jumped = false;
        var wireLength = 1;
        while (true)
        {
            if (position >= limit)
            {
                Fail("name runs past its end", position);
            }

            var length = message[position];
            if ((length & 0xC0) == 0xC0)
            {
                if (position + 1 >= limit)
                {
                    Fail("compression pointer cut short", position);
                }

                var target = ((length & 0x3F) << 8) | message[position + 1];
                if (target >= segmentStart)
                {
                    Fail("compression pointer does not point backwards", position);
                }

                if (!jumped)
                {
                    offset = position + 2;
                    jumped = true;
                }

                position = target;
                segmentStart = target;
                limit = message.Length;
                continue;
            }

            if ((length & 0xC0) != 0)
            {
                Fail("reserved label type", position);
            }

            if (length == 0)
            {
                if (!jumped)
                {
                    offset = position + 1;
                }

                return text.Length == 0 ? "." : text.ToString();
            }

            wireLength += length + 1;
            if (wireLength > MaxNameLength)
            {
                Fail("name longer than 255 octets", position);
            }

            if (position + 1 + length > limit)
            {
                Fail("label runs past its end", position);
            }

            if (text.Length > 0)
            {
                text.Append('.');
            }

            foreach (var b in message.Slice(position + 1, length))
            {
                if (IsPlain(b))
                {
                    text.Append((char)b);
                }
                else
                {
                    // RFC 1035 §5.1: other octets as \DDD so the name still reads as text.
                    text.Append('\\').Append(((int)b).ToString("D3", System.Globalization.CultureInfo.InvariantCulture));
                }
            }

            position += 1 + length;
        }
    }

    private static string ReadCharacterString(ReadOnlySpan<byte> message, ref int offset, int end)
    {
        Need(message, offset, 1, end);
        var length = message[offset];
        Need(message, offset + 1, length, end);
        var value = Encoding.Latin1.GetString(message.Slice(offset + 1, length));
        offset += 1 + length;
        return value;
    }

    private static bool IsPlain(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'*';

    private static void Need(ReadOnlySpan<byte> message, int offset, int count, int end = -1)
    {
        if (offset + count > (end < 0 ? message.Length : end))
        {
            Fail("cut short", offset);
        }
    }

    private static void Exact(int actual, int expected, int offset)
    {
        if (actual != expected)
        {
            Fail($"address data of {actual} octets (expected {expected})", offset);
        }
    }

    [DoesNotReturn]
    private static void Fail(string reason, int offset) => throw new DnsFormatException($"DNS message: {reason} (offset {offset}).") { Offset = offset };
}
