namespace FaxPost.Imaging.Tiff;

/// <summary>Bit reversal within bytes, for FillOrder 2 (least significant bit first) data.</summary>
public static class BitOrder
{
    private static readonly byte[] Table = Build();

    public static byte Reverse(byte value) => Table[value];

    public static void Reverse(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = Table[source[i]];
        }
    }

    public static void ReverseInPlace(Span<byte> data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = Table[data[i]];
        }
    }

    private static byte[] Build()
    {
        var t = new byte[256];
        for (int i = 0; i < 256; i++)
        {
            int r = 0;
            for (int b = 0; b < 8; b++)
            {
                r |= ((i >> b) & 1) << (7 - b);
            }

            t[i] = (byte)r;
        }

        return t;
    }
}
