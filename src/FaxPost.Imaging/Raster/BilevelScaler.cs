namespace FaxPost.Imaging.Raster;

/// <summary>How a page is made narrower or wider.</summary>
public enum WidthAdjustment
{
    /// <summary>Scale the page (both axes, aspect kept), as a fax machine reduces B4/A3 to A4.</summary>
    Scale = 0,

    /// <summary>Cut or add white equally on both sides; scan lines of all widths share a centre (T.4 §2.2).</summary>
    CropOrPad = 1,
}

/// <summary>
/// Resolution and width changes of bilevel pages. Reduction ORs the source pixels that fall
/// into one destination pixel (so a one-pixel line never vanishes); enlargement repeats pixels.
/// Fine to standard therefore ORs each pair of rows; standard to fine doubles every row.
/// </summary>
public static class BilevelScaler
{
    /// <summary>Resamples to an exact size; the result carries the given resolution.</summary>
    public static BilevelImage Resample(BilevelImage src, int width, int height, double xDpi, double yDpi)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new BilevelImage(width, height, xDpi, yDpi);
        if (height == 0 || src.Height == 0)
        {
            return dst;
        }

        // Source column span of each destination column: [cols[x], cols[x + 1]) or at least one column.
        int[] cols = Spans(src.Width, width);
        bool identityColumns = src.Width == width;
        int srcH = src.Height;
        for (int y = 0; y < height; y++)
        {
            int from = (int)((long)y * srcH / height);
            int to = Math.Max(from + 1, (int)((long)(y + 1) * srcH / height));
            Span<byte> drow = dst.Row(y);
            for (int sy = from; sy < to; sy++)
            {
                ReadOnlySpan<byte> srow = src.Row(sy);
                if (PackedBits.IsBlank(srow))
                {
                    continue;
                }

                if (identityColumns)
                {
                    for (int i = 0; i < drow.Length; i++)
                    {
                        drow[i] |= srow[i];
                    }
                }
                else
                {
                    ScaleRowInto(srow, cols, drow);
                }
            }

            PackedBits.ClearPadding(drow, width);
        }

        return dst;
    }

    /// <summary>
    /// Converts to another resolution keeping the physical size. A standard fax scan line maps to the
    /// same paper width at the target (1728 at 204 dpi becomes 2592 at 300 dpi, T.30 Table 2); other
    /// widths scale by the dpi ratio.
    /// </summary>
    public static BilevelImage ConvertResolution(BilevelImage src, RasterResolution target)
    {
        ArgumentNullException.ThrowIfNull(src);
        FaxPageWidth? faxWidth = FaxGeometry.WidthOf(src.Width, src.XDpi);
        int width = faxWidth is { } w
            ? FaxGeometry.ScanLinePixels(w, target.XDpi)
            : Math.Max(1, (int)Math.Round(src.Width * target.XDpi / src.XDpi));
        int height = (int)Math.Round(src.Height * target.YDpi / src.YDpi);
        if (width == src.Width && height == src.Height)
        {
            return Copy(src, target);
        }

        return Resample(src, width, height, target.XDpi, target.YDpi);
    }

    /// <summary>Changes the scan line width, e.g. 2048 (B4) to 1728 (A4), by scaling or by cropping/padding.</summary>
    public static BilevelImage ToWidth(BilevelImage src, int width, WidthAdjustment adjustment)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (src.Width == width)
        {
            return src;
        }

        if (adjustment == WidthAdjustment.Scale)
        {
            int height = (int)Math.Round((double)src.Height * width / src.Width);
            return Resample(src, width, height, src.XDpi, src.YDpi);
        }

        var dst = new BilevelImage(width, src.Height, src.XDpi, src.YDpi);
        int offset = (width - src.Width) / 2; // > 0 pads, < 0 crops
        int srcBit = Math.Max(0, -offset);
        int dstBit = Math.Max(0, offset);
        int count = Math.Min(src.Width - srcBit, width - dstBit);
        for (int y = 0; y < src.Height; y++)
        {
            ReadOnlySpan<byte> srow = src.Row(y);
            if (!PackedBits.IsBlank(srow))
            {
                PackedBits.Copy(srow, srcBit, dst.Row(y), dstBit, count);
            }
        }

        return dst;
    }

    internal static BilevelImage Copy(BilevelImage src, RasterResolution resolution)
    {
        var dst = new BilevelImage(src.Width, src.Height, resolution.XDpi, resolution.YDpi);
        src.Pixels.CopyTo(dst.Pixels, 0);
        return dst;
    }

    /// <summary>Column span boundaries: destination x covers source [spans[x], max(spans[x]+1, spans[x+1])).</summary>
    private static int[] Spans(int srcWidth, int dstWidth)
    {
        var spans = new int[dstWidth + 1];
        for (int x = 0; x <= dstWidth; x++)
        {
            spans[x] = (int)((long)x * srcWidth / dstWidth);
        }

        return spans;
    }

    private static void ScaleRowInto(ReadOnlySpan<byte> srow, int[] spans, Span<byte> drow)
    {
        int width = spans.Length - 1;
        for (int x = 0; x < width; x++)
        {
            int from = spans[x];
            int to = Math.Max(from + 1, spans[x + 1]);

            // Skip white source bytes quickly: most of a page is white.
            if (srow[from >> 3] == 0 && (to - 1) >> 3 == from >> 3)
            {
                continue;
            }

            if (PackedBits.AnySet(srow, from, to))
            {
                drow[x >> 3] |= (byte)(0x80 >> (x & 7));
            }
        }
    }
}
