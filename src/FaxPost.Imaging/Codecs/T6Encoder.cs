namespace FaxPost.Imaging.Codecs;

/// <summary>T.6 coder (MMR): two-dimensional rows without EOLs, EOFB at the end when asked.</summary>
public sealed class T6Encoder : FaxEncoder
{
    public T6Encoder(int width, FaxCodingOptions options)
        : base(width, options)
    {
        if (options.Compression != FaxCompression.Mmr)
        {
            throw new FaxCodecException("T6Encoder codes MMR only.");
        }
    }

    private protected override void WriteRow(ref BitWriter writer, ReadOnlySpan<int> reference, ReadOnlySpan<int> coding, int count, int rowIndex)
    {
        RowEncoding.Encode2D(ref writer, reference, coding, Width);
        if (Options.ByteAlignRows)
        {
            writer.WriteZeros((8 - writer.BitPhase) & 7);
        }
    }

    private protected override void WriteEnd(ref BitWriter writer)
    {
        if (Options.Rtc)
        {
            // T.6 §2.4: EOFB is two EOLs.
            writer.Write(FaxCodeTables.Eol, FaxCodeTables.EolLength);
            writer.Write(FaxCodeTables.Eol, FaxCodeTables.EolLength);
        }
    }
}
