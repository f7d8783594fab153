namespace FaxPost.Imaging.Codecs;

/// <summary>T.4 coder: MH (§4.1) and MR (§4.2) with EOLs, tag bits, fill and RTC.</summary>
public sealed class T4Encoder : FaxEncoder
{
    public T4Encoder(int width, FaxCodingOptions options)
        : base(width, options)
    {
        if (options.Compression == FaxCompression.Mmr)
        {
            throw new FaxCodecException("T4Encoder codes MH or MR; use T6Encoder for MMR.");
        }
    }

    private protected override void WriteRow(ref BitWriter writer, ReadOnlySpan<int> reference, ReadOnlySpan<int> coding, int count, int rowIndex)
    {
        bool mr = Options.Compression == FaxCompression.Mr;
        bool oneDimensional = !mr || rowIndex % Options.K == 0;
        if (Options.EolBeforeEachRow && !(rowIndex == 0 && Options.OmitFirstEol))
        {
            RowEncoding.WriteEol(ref writer, Options.ByteAlignedEol);
            if (mr)
            {
                // T.4 §4.2.2: tag bit after EOL, 1 = next row one-dimensional.
                writer.Write(oneDimensional ? 1u : 0u, 1);
            }
        }

        int before = writer.Written * 8 + writer.PendingCount;
        if (oneDimensional)
        {
            RowEncoding.Encode1D(ref writer, coding, count, Width);
        }
        else
        {
            RowEncoding.Encode2D(ref writer, reference, coding, Width);
        }

        // T.4 §4.1.3: fill before the next EOL to meet the minimum transmission time of a row.
        int used = writer.Written * 8 + writer.PendingCount - before;
        if (used < Options.MinBitsPerRow)
        {
            writer.WriteZeros(Options.MinBitsPerRow - used);
        }

        if (Options.ByteAlignRows && !Options.EolBeforeEachRow)
        {
            writer.WriteZeros((8 - writer.BitPhase) & 7);
        }
    }

    private protected override void WriteEnd(ref BitWriter writer)
    {
        if (!Options.Rtc)
        {
            return;
        }

        // T.4 §4.1.4: RTC is six EOLs; in MR each carries tag bit 1 (§4.2.4).
        for (int i = 0; i < 6; i++)
        {
            RowEncoding.WriteEol(ref writer, Options.ByteAlignedEol);
            if (Options.Compression == FaxCompression.Mr)
            {
                writer.Write(1, 1);
            }
        }
    }
}
