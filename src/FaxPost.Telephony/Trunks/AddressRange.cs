using System.Net;
using System.Net.Sockets;

namespace FaxPost.Telephony.Trunks;

/// <summary>An IP address or a CIDR block ("192.0.2.0/24", "2001:db8::/32"); IPv4-mapped IPv6 sources match IPv4 ranges.</summary>
public readonly struct AddressRange : IEquatable<AddressRange>
{
    private readonly byte[] _network;

    private AddressRange(byte[] network, int prefixLength)
    {
        _network = network;
        PrefixLength = prefixLength;
    }

    public int PrefixLength { get; }

    public AddressFamily Family => _network.Length == 4 ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6;

    public static AddressRange Single(IPAddress address)
    {
        var a = Normalise(address);
        var bytes = a.GetAddressBytes();
        return new AddressRange(bytes, bytes.Length * 8);
    }

    public static bool TryParse(string? text, out AddressRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var slash = text.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? text.AsSpan() : text.AsSpan(0, slash), out var address))
        {
            return false;
        }

        var bytes = Normalise(address).GetAddressBytes();
        var prefix = bytes.Length * 8;
        if (slash >= 0 && (!int.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix > bytes.Length * 8))
        {
            return false;
        }

        // Keep only the network part, so "192.0.2.7/24" means 192.0.2.0/24.
        for (var i = 0; i < bytes.Length; i++)
        {
            var keep = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - keep));
        }

        range = new AddressRange(bytes, prefix);
        return true;
    }

    public bool Contains(IPAddress address)
    {
        if (_network is null)
        {
            return false;
        }

        var a = Normalise(address);
        Span<byte> bytes = stackalloc byte[16];
        if (!a.TryWriteBytes(bytes, out var length) || length != _network.Length)
        {
            return false;
        }

        var full = PrefixLength / 8;
        if (!bytes[..full].SequenceEqual(_network.AsSpan(0, full)))
        {
            return false;
        }

        var bits = PrefixLength % 8;
        return bits == 0 || (bytes[full] & (byte)(0xFF << (8 - bits))) == _network[full];
    }

    public bool Equals(AddressRange other) => PrefixLength == other.PrefixLength && (_network ?? []).AsSpan().SequenceEqual(other._network ?? []);

    public override bool Equals(object? obj) => obj is AddressRange r && Equals(r);

    public override int GetHashCode() => HashCode.Combine(PrefixLength, _network is null ? 0 : new IPAddress(_network).GetHashCode());

    public override string ToString() => _network is null ? "" : $"{new IPAddress(_network)}/{PrefixLength}";

    private static IPAddress Normalise(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    public static bool operator ==(AddressRange left, AddressRange right) => left.Equals(right);

    public static bool operator !=(AddressRange left, AddressRange right) => !left.Equals(right);
}
