namespace FaxPost.Imaging.Codecs;

/// <summary>
/// Lookup tables for the run-length codes, derived once from <see cref="FaxCodeTables"/> so the
/// decoder and encoder share one source of truth. Entries are (run &lt;&lt; 4) | code length.
/// A short first-level table (9 bits white, 8 bits black) answers the common codes from a few
/// cache lines; its zero entries send the decoder to a full 13-bit table.
/// </summary>
internal static class RunDecodeTables
{
    public const int WhiteBits = 9;
    public const int BlackBits = 8;
    public const int FullBits = FaxCodeTables.LongestRunCode;

    /// <summary>Eleven or more zeros then a one (EOL), or twelve or more zeros: not a run code.</summary>
    public const ushort EolMarker = 0xFFFF;

    public static readonly ushort[] White = Build(white: true, WhiteBits);
    public static readonly ushort[] Black = Build(white: false, BlackBits);
    public static readonly ushort[] WhiteFull = Build(white: true, FullBits);
    public static readonly ushort[] BlackFull = Build(white: false, FullBits);

    private static ushort[] Build(bool white, int bits)
    {
        var table = new ushort[1 << bits];
        Add(table, bits, white ? FaxCodeTables.WhiteTerminating : FaxCodeTables.BlackTerminating, 0);
        Add(table, bits, white ? FaxCodeTables.WhiteMakeup : FaxCodeTables.BlackMakeup, 64);
        Add(table, bits, FaxCodeTables.ExtendedMakeup, 1792);
        if (bits == FullBits)
        {
            // 13-bit windows starting with eleven zeros: EOL (with or without more fill zeros).
            for (int i = 0; i < 1 << (bits - 11); i++)
            {
                table[i] = EolMarker;
            }
        }

        return table;
    }

    private static void Add(ushort[] table, int bits, ReadOnlySpan<uint> codes, int firstRun)
    {
        for (int i = 0; i < codes.Length; i++)
        {
            int length = (int)(codes[i] >> 16);
            if (length > bits)
            {
                continue;
            }

            int run = firstRun == 0 ? i : firstRun + (i * 64);
            int start = (int)(codes[i] & 0xFFFF) << (bits - length);
            int count = 1 << (bits - length);
            for (int j = 0; j < count; j++)
            {
                if (table[start + j] != 0)
                {
                    throw new InvalidOperationException("T.4 code table is not prefix-free.");
                }

                table[start + j] = (ushort)((run << 4) | length);
            }
        }
    }
}
