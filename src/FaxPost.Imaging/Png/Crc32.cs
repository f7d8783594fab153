namespace FaxPost.Imaging.Png;

/// <summary>CRC-32 as PNG uses it (ISO 3309 / ITU-T V.42 polynomial 0xEDB88320, reflected; PNG §5.5).</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Build();

    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        uint c = crc;
        foreach (byte b in data)
        {
            c = Table[(c ^ b) & 0xFF] ^ (c >> 8);
        }

        return c;
    }

    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFFu, data);

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
