using System.Buffers;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tiff;

public sealed partial class TiffPage
{
    /// <summary>
    /// Decodes a one-bit black-and-white page (any supported compression, including the CCITT fax
    /// codings) to a <see cref="BilevelImage"/> carrying the page's resolution.
    /// </summary>
    public BilevelImage DecodeBilevel()
    {
        if (!IsBilevel)
        {
            TiffDirectory.Fail($"page {Index + 1} is not bilevel ({BitsPerSample} bits x {SamplesPerPixel} samples, photometric {(int)Photometric})");
        }

        EnsureStrips();
        CheckRasterSize(((long)Width + 7) / 8);
        var image = new BilevelImage(Width, Height, XDpi, YDpi);
        if (IsFax)
        {
            DecodeFaxStrips(image);
        }
        else
        {
            DecodeStrips(image.Pixels, image.Stride);
        }

        // The stored bits mean black under WhiteIsZero; BlackIsZero pages are inverted into our 1 = black.
        if (Photometric == TiffPhotometric.BlackIsZero)
        {
            foreach (ref byte b in image.Pixels.AsSpan())
            {
                b = (byte)~b;
            }
        }

        ClearRowPadding(image);
        return image;
    }

    /// <summary>
    /// Decodes any supported page to 8-bit grey (0 = black): bilevel, grey and palette pages of
    /// 1 to 8 bits, and 8-bit RGB (luma per ITU-R BT.601).
    /// </summary>
    public GrayImage DecodeGray()
    {
        if (IsBilevel)
        {
            return ToGray(DecodeBilevel());
        }

        bool grey = Photometric is TiffPhotometric.WhiteIsZero or TiffPhotometric.BlackIsZero;
        bool palette = Photometric == TiffPhotometric.Palette;
        bool rgb = Photometric == TiffPhotometric.Rgb;
        bool supported = ((grey || palette) && BitsPerSample is 1 or 2 or 4 or 8 && SamplesPerPixel is 1 or 2)
            || (rgb && BitsPerSample == 8 && SamplesPerPixel is 3 or 4);
        if (!supported)
        {
            TiffDirectory.Fail($"page {Index + 1}: photometric {(int)Photometric} with {SamplesPerPixel} samples of {BitsPerSample} bits is not supported");
        }

        if (palette && _colorMap is null)
        {
            TiffDirectory.Fail($"page {Index + 1} is a palette image without a ColorMap");
        }

        if (IsFax || Compression is TiffCompression.CcittRle or TiffCompression.CcittT4 or TiffCompression.CcittT6)
        {
            TiffDirectory.Fail($"page {Index + 1}: CCITT compression on a page of more than one bit per pixel");
        }

        EnsureStrips();
        long rowBytes = (((long)Width * BitsPerSample * SamplesPerPixel) + 7) / 8;
        CheckRasterSize(rowBytes);
        CheckRasterSize(Width);
        byte[] raw = ArrayPool<byte>.Shared.Rent((int)(rowBytes * Height));
        try
        {
            Span<byte> data = raw.AsSpan(0, (int)(rowBytes * Height));
            data.Clear();
            DecodeStrips(data, (int)rowBytes);
            var gray = new GrayImage(Width, Height, XDpi, YDpi);
            Span<byte> lut = stackalloc byte[256];
            BuildLookup(lut, grey, palette);
            for (int y = 0; y < Height; y++)
            {
                ConvertRow(data.Slice(y * (int)rowBytes, (int)rowBytes), gray.Row(y), lut, rgb);
            }

            return gray;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    private void BuildLookup(Span<byte> lut, bool grey, bool palette)
    {
        int levels = 1 << Math.Min(BitsPerSample, 8);
        for (int v = 0; v < levels; v++)
        {
            if (palette)
            {
                // ColorMap: all reds, then all greens, then all blues, 16 bits each (TIFF 6.0 §5).
                int r = _colorMap![v] >> 8, g = _colorMap[levels + v] >> 8, b = _colorMap[(2 * levels) + v] >> 8;
                lut[v] = Luma(r, g, b);
            }
            else if (grey)
            {
                int level = v * 255 / (levels - 1);
                lut[v] = (byte)(Photometric == TiffPhotometric.WhiteIsZero ? 255 - level : level);
            }
        }
    }

    private void ConvertRow(ReadOnlySpan<byte> src, Span<byte> dst, ReadOnlySpan<byte> lut, bool rgb)
    {
        int spp = SamplesPerPixel;
        if (rgb)
        {
            for (int x = 0; x < dst.Length; x++)
            {
                int p = x * spp;
                dst[x] = Luma(src[p], src[p + 1], src[p + 2]);
            }

            return;
        }

        int bps = BitsPerSample;
        int mask = (1 << bps) - 1;
        for (int x = 0; x < dst.Length; x++)
        {
            // The first sample of each pixel; a second (alpha) sample is ignored.
            int bit = x * spp * bps;
            int v = (src[bit >> 3] >> (8 - bps - (bit & 7))) & mask;
            dst[x] = lut[v];
        }
    }

    private static GrayImage ToGray(BilevelImage page)
    {
        var gray = new GrayImage(page.Width, page.Height, page.XDpi, page.YDpi);
        for (int y = 0; y < page.Height; y++)
        {
            ReadOnlySpan<byte> src = page.Row(y);
            Span<byte> dst = gray.Row(y);
            for (int x = 0; x < dst.Length; x++)
            {
                dst[x] = (src[x >> 3] & (0x80 >> (x & 7))) != 0 ? (byte)0 : (byte)255;
            }
        }

        return gray;
    }

    private static byte Luma(int r, int g, int b) => (byte)(((299 * r) + (587 * g) + (114 * b) + 500) / 1000);

    private void DecodeStrips(Span<byte> raster, int rowBytes)
    {
        if (Predictor is not (1 or 2) || (Predictor == 2 && BitsPerSample != 8))
        {
            TiffDirectory.Fail($"page {Index + 1}: predictor {Predictor} with {BitsPerSample}-bit samples is not supported");
        }

        for (int i = 0; i < StripCount; i++)
        {
            int rows = RowsInStrip(i);
            Span<byte> dst = raster.Slice(i * RowsPerStrip * rowBytes, rows * rowBytes);
            ReadOnlySpan<byte> src = GetStrip(i).Span;
            if (FillOrder == 2)
            {
                // libtiff reverses the bits of the stored bytes before any non-fax decoder sees them.
                byte[] reversed = ArrayPool<byte>.Shared.Rent(src.Length);
                try
                {
                    Codecs.BitOrder.ReverseCopy(src, reversed);
                    TiffStripDecompressor.Decompress(Compression, reversed.AsSpan(0, src.Length), dst);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(reversed);
                }
            }
            else
            {
                TiffStripDecompressor.Decompress(Compression, src, dst);
            }

            if (Predictor == 2)
            {
                // TIFF 6.0 §14: horizontal differencing, each sample stored as the difference to the pixel on its left.
                int spp = SamplesPerPixel;
                for (int y = 0; y < rows; y++)
                {
                    Span<byte> row = dst.Slice(y * rowBytes, rowBytes);
                    for (int x = spp; x < row.Length; x++)
                    {
                        row[x] += row[x - spp];
                    }
                }
            }
        }
    }

    private void EnsureStrips()
    {
        if (IsTiled)
        {
            TiffDirectory.Fail($"page {Index + 1} is stored in tiles, which are not supported");
        }

        if (IsPlanar)
        {
            TiffDirectory.Fail($"page {Index + 1} is stored in separate planes (PlanarConfiguration 2), which is not supported");
        }
    }

    private void CheckRasterSize(long rowBytes)
    {
        if (rowBytes * Height > _options.MaxBytesPerPage)
        {
            TiffDirectory.Fail($"page {Index + 1} would decode to more than the limit of {_options.MaxBytesPerPage} bytes");
        }
    }

    private static void ClearRowPadding(BilevelImage image)
    {
        int spare = (image.Stride * 8) - image.Width;
        if (spare == 0)
        {
            return;
        }

        byte keep = (byte)(0xFF << spare);
        for (int y = 0; y < image.Height; y++)
        {
            image.Pixels[(y * image.Stride) + image.Stride - 1] &= keep;
        }
    }
}
