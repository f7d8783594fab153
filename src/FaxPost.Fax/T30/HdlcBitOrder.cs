namespace FaxPost.Fax.T30;

/// <summary>
/// T.30 frames here are in HDLC order (first bit sent = least significant). T.38 carries each octet
/// with the first bit sent as the most significant (a DIS starts FF C8 01 there, FF 13 80 here), so
/// octets are mirrored at that boundary.
/// </summary>
public static class HdlcBitOrder
{
    private static readonly byte[] Mirror = Build();

    public static byte Reverse(byte b) => Mirror[b];

    public static void Reverse(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException("destination too small", nameof(destination));
        }

        for (var i = 0; i < source.Length; i++)
        {
            destination[i] = Mirror[source[i]];
        }
    }

    public static void ReverseInPlace(Span<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = Mirror[data[i]];
        }
    }

    private static byte[] Build()
    {
        var t = new byte[256];
        for (var i = 0; i < 256; i++)
        {
            var r = 0;
            for (var b = 0; b < 8; b++)
            {
                r |= ((i >> b) & 1) << (7 - b);
            }

            t[i] = (byte)r;
        }

        return t;
    }
}
