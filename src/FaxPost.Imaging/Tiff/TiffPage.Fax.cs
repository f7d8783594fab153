using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tiff;

public sealed partial class TiffPage
{
    /// <summary>
    /// The codec options that describe this page's strips (TIFF 6.0 §11): Compression 3 with
    /// T4Options bit 0 (2-D) and bit 2 (byte-aligned EOL), Compression 4, FillOrder 2 as LSB first.
    /// </summary>
    public FaxCodingOptions GetFaxCoding()
    {
        if (!IsFax)
        {
            TiffDirectory.Fail($"page {Index + 1} is not CCITT-coded (compression {(int)Compression}, {BitsPerSample} bits x {SamplesPerPixel} samples)");
        }

        if ((T4Options & 2) != 0 && Compression == TiffCompression.CcittT4)
        {
            TiffDirectory.Fail($"page {Index + 1} uses T.4 uncompressed mode (T4Options bit 1), which is not supported");
        }

        if ((T6Options & 2) != 0 && Compression == TiffCompression.CcittT6)
        {
            TiffDirectory.Fail($"page {Index + 1} uses T.6 uncompressed mode (T6Options bit 1), which is not supported");
        }

        return Compression switch
        {
            TiffCompression.CcittT6 => new FaxCodingOptions { Compression = FaxCompression.Mmr, LsbFirst = FillOrder == 2, MaxRows = Height },
            TiffCompression.CcittT4 => new FaxCodingOptions
            {
                Compression = (T4Options & 1) != 0 ? FaxCompression.Mr : FaxCompression.Mh,
                ByteAlignedEol = (T4Options & 4) != 0,
                EolBeforeEachRow = true,
                LsbFirst = FillOrder == 2,
                MaxRows = Height,
            },
            // TIFF 6.0 §10: modified Huffman rows without EOLs, each starting on a byte boundary.
            _ => new FaxCodingOptions
            {
                Compression = FaxCompression.Mh,
                EolBeforeEachRow = false,
                ByteAlignRows = true,
                LsbFirst = FillOrder == 2,
                MaxRows = Height,
            },
        };
    }

    /// <summary>
    /// The page as one block of coded fax data, without re-coding when the strips allow it: one strip,
    /// or several T.4 strips (each row starts with an EOL) or RLE strips (each row starts on a byte),
    /// which simply join. Other layouts (several T.6 strips, BlackIsZero) are decoded and re-coded as MMR.
    /// </summary>
    public EncodedFaxPage ToEncodedFaxPage()
    {
        EnsureStrips();
        FaxCodingOptions coding = GetFaxCoding();
        bool joinable = StripCount == 1 || Compression is TiffCompression.CcittT4 or TiffCompression.CcittRle;
        if (joinable && Photometric == TiffPhotometric.WhiteIsZero)
        {
            ReadOnlyMemory<byte> data = StripCount == 1 ? GetStrip(0) : JoinStrips();
            return new EncodedFaxPage { Width = Width, Height = Height, XDpi = XDpi, YDpi = YDpi, Coding = coding, Data = data, Quality = Quality() };
        }

        BilevelImage image = DecodeBilevel();
        var mmr = new FaxCodingOptions { Compression = FaxCompression.Mmr };
        return new EncodedFaxPage { Width = Width, Height = Height, XDpi = XDpi, YDpi = YDpi, Coding = mmr, Data = FaxPageCodec.Encode(image, mmr), Quality = Quality() };
    }

    private FaxPageQuality? Quality() => BadFaxLines is { } bad
        ? new FaxPageQuality(bad, ConsecutiveBadFaxLines ?? 0, CleanFaxData == 1)
        : null;

    private byte[] JoinStrips()
    {
        long total = 0;
        for (int i = 0; i < StripCount; i++)
        {
            total += GetStrip(i).Length;
        }

        var joined = new byte[total];
        int at = 0;
        for (int i = 0; i < StripCount; i++)
        {
            ReadOnlySpan<byte> strip = GetStrip(i).Span;
            strip.CopyTo(joined.AsSpan(at));
            at += strip.Length;
        }

        return joined;
    }

    private void DecodeFaxStrips(BilevelImage image)
    {
        FaxCodingOptions coding = GetFaxCoding();
        int row = 0;
        for (int i = 0; i < StripCount && row < Height; i++)
        {
            int rows = RowsInStrip(i);
            BilevelImage strip;
            try
            {
                strip = FaxPageCodec.Decode(GetStrip(i).Span, Width, coding with { MaxRows = rows }, out _);
            }
            catch (FaxCodecException e)
            {
                throw new TiffFormatException($"TIFF: page {Index + 1} strip {i}: {e.Message}", e);
            }

            // A strip that decodes to fewer rows than declared leaves the rest white, as libtiff does.
            int n = Math.Min(Math.Min(rows, strip.Height), Height - row);
            strip.Pixels.AsSpan(0, n * image.Stride).CopyTo(image.Pixels.AsSpan(row * image.Stride));
            row += rows;
        }
    }
}
