using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace FaxPost.Telephony.Tests.Dns;

/// <summary>Builds DNS messages byte by byte for the tests (independent of the product's writer).</summary>
internal sealed class DnsWire
{
    private readonly List<byte> _bytes = [];

    public int Length => _bytes.Count;

    public static DnsWire Response(ushort id, ushort flags, int qd, int an, int ns = 0, int ar = 0)
    {
        var w = new DnsWire();
        w.U16(id).U16(flags).U16((ushort)qd).U16((ushort)an).U16((ushort)ns).U16((ushort)ar);
        return w;
    }

    public DnsWire U16(ushort value)
    {
        _bytes.Add((byte)(value >> 8));
        _bytes.Add((byte)value);
        return this;
    }

    public DnsWire U32(uint value) => U16((ushort)(value >> 16)).U16((ushort)value);

    public DnsWire Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    /// <summary>An uncompressed name, optionally ending in a pointer instead of the root label.</summary>
    public DnsWire Name(string name, int? pointer = null)
    {
        foreach (var label in name.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            _bytes.Add((byte)label.Length);
            _bytes.AddRange(Encoding.ASCII.GetBytes(label));
        }

        if (pointer is int p)
        {
            return U16((ushort)(0xC000 | p));
        }

        _bytes.Add(0);
        return this;
    }

    public DnsWire Pointer(int offset) => U16((ushort)(0xC000 | offset));

    public DnsWire Question(string name, ushort type) => Name(name).U16(type).U16(1);

    /// <summary>Record header (owner written by <paramref name="owner"/>) and RDATA from <paramref name="data"/>.</summary>
    public DnsWire Record(Action<DnsWire> owner, ushort type, uint ttl, Action<DnsWire> data)
    {
        owner(this);
        U16(type).U16(1).U32(ttl);
        var lengthAt = _bytes.Count;
        U16(0);
        var start = _bytes.Count;
        data(this);
        var length = _bytes.Count - start;
        _bytes[lengthAt] = (byte)(length >> 8);
        _bytes[lengthAt + 1] = (byte)length;
        return this;
    }

    public DnsWire A(Action<DnsWire> owner, uint ttl, string address) =>
        Record(owner, IPAddress.Parse(address).AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? (ushort)1 : (ushort)28, ttl, w => w.Raw(IPAddress.Parse(address).GetAddressBytes()));

    public DnsWire Srv(Action<DnsWire> owner, uint ttl, ushort priority, ushort weight, ushort port, Action<DnsWire> target) =>
        Record(owner, 33, ttl, w => { w.U16(priority).U16(weight).U16(port); target(w); });

    public DnsWire Naptr(Action<DnsWire> owner, uint ttl, ushort order, ushort preference, string flags, string services, string regexp, string replacement) =>
        Record(owner, 35, ttl, w =>
        {
            w.U16(order).U16(preference);
            foreach (var s in new[] { flags, services, regexp })
            {
                w.Raw((byte)s.Length).Raw(Encoding.ASCII.GetBytes(s));
            }

            w.Name(replacement);
        });

    public byte[] ToArray() => [.. _bytes];

    public static void SetTruncated(byte[] message) => BinaryPrimitives.WriteUInt16BigEndian(message.AsSpan(2), (ushort)(BinaryPrimitives.ReadUInt16BigEndian(message.AsSpan(2)) | 0x0200));
}
