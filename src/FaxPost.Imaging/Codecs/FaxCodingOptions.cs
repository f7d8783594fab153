namespace FaxPost.Imaging.Codecs;

/// <summary>How a page is (or was) coded. The same options drive the encoder and the decoder.</summary>
public sealed record FaxCodingOptions
{
    /// <summary>Largest page width the codecs accept; wider input is refused as hostile.</summary>
    public const int MaxWidth = 16384;

    public FaxCompression Compression { get; init; } = FaxCompression.Mmr;

    /// <summary>MR only: one 1-D row, then K - 1 2-D rows (T.4 §4.2: 2 standard, 4 fine).</summary>
    public int K { get; init; } = 4;

    /// <summary>T.4 only: fill bits so that every EOL ends on a byte boundary (TIFF T4Options bit 2).</summary>
    public bool ByteAlignedEol { get; init; }

    /// <summary>
    /// T.4 only: an EOL precedes every row (T.4 §4.1.2; TIFF Compression 3). When false the rows
    /// follow each other without EOLs (MH only, e.g. TIFF Compression 2 with <see cref="ByteAlignRows"/>);
    /// such a stream cannot be resynchronised, so decoding errors are then fatal.
    /// </summary>
    public bool EolBeforeEachRow { get; init; } = true;

    /// <summary>T.4 encode only: leave out the EOL before the first row. Decoders accept either.</summary>
    public bool OmitFirstEol { get; init; }

    /// <summary>T.4: append RTC (6 EOLs) after the last row; T.6: append EOFB.</summary>
    public bool Rtc { get; init; }

    /// <summary>T.4 non-ECM: zero fill so each row (data after the EOL, before the next) has at least this many bits.</summary>
    public int MinBitsPerRow { get; init; }

    /// <summary>Rows without EOL (MMR, or MH without EOLs) start on a byte boundary (PDF EncodedByteAlign, TIFF Compression 2).</summary>
    public bool ByteAlignRows { get; init; }

    /// <summary>Least significant bit first, the order on the wire (TIFF FillOrder 2).</summary>
    public bool LsbFirst { get; init; }

    /// <summary>Decode limit: a page with more rows is refused.</summary>
    public int MaxRows { get; init; } = 32768;

    internal void Validate(int width)
    {
        if (width < 1 || width > MaxWidth)
        {
            throw new FaxCodecException($"Page width {width} is outside 1..{MaxWidth}.");
        }

        if (Compression is not (FaxCompression.Mh or FaxCompression.Mr or FaxCompression.Mmr))
        {
            throw new FaxCodecException($"Unknown compression {(int)Compression}.");
        }

        if (Compression == FaxCompression.Mr && (K < 1 || K > 65536))
        {
            throw new FaxCodecException($"MR K factor {K} is outside 1..65536.");
        }

        if (Compression == FaxCompression.Mr && !EolBeforeEachRow)
        {
            throw new FaxCodecException("MR needs an EOL before each row to carry the 1-D/2-D tag bit.");
        }

        if (MinBitsPerRow < 0 || MinBitsPerRow > 1 << 20)
        {
            throw new FaxCodecException($"MinBitsPerRow {MinBitsPerRow} is out of range.");
        }

        if (MaxRows < 0)
        {
            throw new FaxCodecException($"MaxRows {MaxRows} is negative.");
        }
    }
}
