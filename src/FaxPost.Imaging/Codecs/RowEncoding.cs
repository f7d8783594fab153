namespace FaxPost.Imaging.Codecs;

/// <summary>Codes one row from its changing-element list (T.4 §4.1, §4.2; T.6 §2.2).</summary>
internal static class RowEncoding
{
    /// <summary>Upper bound of the bytes one coded row can take, with EOL, tag, alignment and fill.</summary>
    public static int MaxRowBytes(int width, int minBitsPerRow) => (2 * width) + 16 + ((minBitsPerRow + 7) >> 3);

    public static void Encode1D(ref BitWriter writer, ReadOnlySpan<int> elements, int count, int width)
    {
        int position = 0;
        for (int i = 0; i <= count; i++)
        {
            int next = i < count ? elements[i] : width;
            WriteRun(ref writer, next - position, i & 1);
            position = next;
        }
    }

    public static void Encode2D(ref BitWriter writer, ReadOnlySpan<int> reference, ReadOnlySpan<int> coding, int width)
    {
        ReadOnlySpan<uint> modeCodes = FaxCodeTables.ModeCodes;
        int a0 = -1;
        int colour = 0;
        int referenceIndex = 0;
        int codingIndex = 0;
        while (a0 < width)
        {
            while (coding[codingIndex] <= a0)
            {
                codingIndex++;
            }

            int a1 = coding[codingIndex];
            int b1 = ChangingElements.FindB1(reference, ref referenceIndex, a0, colour);
            int b2 = reference[referenceIndex + 1];
            if (b2 < a1)
            {
                // T.4 §4.2.1.3.2 a): pass mode.
                writer.Write(modeCodes[FaxCodeTables.ModePass]);
                a0 = b2;
                continue;
            }

            int delta = a1 - b1;
            if (delta is >= -3 and <= 3)
            {
                // T.4 §4.2.1.3.2 b) 1): vertical mode.
                writer.Write(modeCodes[delta + 3]);
                a0 = a1;
                colour ^= 1;
                continue;
            }

            // T.4 §4.2.1.3.2 b) 2): horizontal mode, runs a0a1 and a1a2.
            int a2 = coding[codingIndex + 1];
            writer.Write(modeCodes[FaxCodeTables.ModeHorizontal]);
            WriteRun(ref writer, a1 - (a0 < 0 ? 0 : a0), colour);
            WriteRun(ref writer, a2 - a1, colour ^ 1);
            a0 = a2;
        }
    }

    /// <summary>T.4 §4.1.1: make-up codes (2560 repeated for longer runs), then a terminating code.</summary>
    public static void WriteRun(ref BitWriter writer, int run, int colour)
    {
        while (run >= 2560)
        {
            writer.Write(FaxCodeTables.ExtendedMakeup[12]);
            run -= 2560;
        }

        if (run >= 64)
        {
            int index = (run >> 6) - 1;
            writer.Write(index >= 27 ? FaxCodeTables.ExtendedMakeup[index - 27]
                : colour == 0 ? FaxCodeTables.WhiteMakeup[index] : FaxCodeTables.BlackMakeup[index]);
            run &= 63;
        }

        writer.Write(colour == 0 ? FaxCodeTables.WhiteTerminating[run] : FaxCodeTables.BlackTerminating[run]);
    }

    /// <summary>Writes an EOL, first padding so that it ends on a byte boundary when asked (TIFF T4Options bit 2).</summary>
    public static void WriteEol(ref BitWriter writer, bool byteAligned)
    {
        if (byteAligned)
        {
            writer.WriteZeros((4 - writer.BitPhase) & 7);
        }

        writer.Write(FaxCodeTables.Eol, FaxCodeTables.EolLength);
    }
}
