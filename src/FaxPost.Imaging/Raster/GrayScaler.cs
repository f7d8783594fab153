namespace FaxPost.Imaging.Raster;

/// <summary>Area-averaging resize of grey rasters and fitting them onto a page.</summary>
public static class GrayScaler
{
    /// <summary>
    /// Resizes with a box filter: each destination pixel is the area-weighted mean of the source
    /// pixels it covers (reduction), or the source pixel it falls in, blended at edges (enlargement).
    /// </summary>
    public static GrayImage Resize(GrayImage src, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new GrayImage(width, height, src.XDpi * width / src.Width, src.Height == 0 ? src.YDpi : src.YDpi * height / src.Height);
        if (height == 0 || src.Height == 0)
        {
            return dst;
        }

        AxisWeights xs = AxisWeights.Create(src.Width, width);
        AxisWeights ys = AxisWeights.Create(src.Height, height);

        // Horizontal pass into an intermediate (width x src.Height) of 8.8 fixed point values.
        var mid = new ushort[checked(width * src.Height)];
        for (int y = 0; y < src.Height; y++)
        {
            ReadOnlySpan<byte> s = src.Row(y);
            Span<ushort> m = mid.AsSpan(y * width, width);
            for (int x = 0; x < width; x++)
            {
                int acc = 0;
                int start = xs.Start[x];
                int offset = xs.Offset[x];
                int count = xs.Offset[x + 1] - offset;
                for (int k = 0; k < count; k++)
                {
                    acc += s[start + k] * xs.Weight[offset + k];
                }

                m[x] = (ushort)Math.Clamp(acc, 0, 65535); // weights sum to 256: 8 fraction bits
            }
        }

        int[] acc2 = new int[width];
        for (int y = 0; y < height; y++)
        {
            Array.Clear(acc2);
            int start = ys.Start[y];
            int offset = ys.Offset[y];
            int count = ys.Offset[y + 1] - offset;
            for (int k = 0; k < count; k++)
            {
                int wgt = ys.Weight[offset + k]; // 8.8 x 0.8 -> 16 fraction bits
                ReadOnlySpan<ushort> m = mid.AsSpan((start + k) * width, width);
                for (int x = 0; x < width; x++)
                {
                    acc2[x] += m[x] * wgt;
                }
            }

            Span<byte> d = dst.Row(y);
            for (int x = 0; x < width; x++)
            {
                d[x] = (byte)Math.Clamp((acc2[x] + 32768) >> 16, 0, 255);
            }
        }

        return dst;
    }

    /// <summary>
    /// Scales <paramref name="src"/> (up or down, keeping its physical aspect) to the largest size that
    /// fits a white page of <paramref name="pageWidth"/> x <paramref name="pageHeight"/> pixels at the given
    /// resolution, and centres it there.
    /// </summary>
    public static GrayImage FitToPage(GrayImage src, int pageWidth, int pageHeight, double xDpi, double yDpi)
    {
        ArgumentNullException.ThrowIfNull(src);
        double srcWidthInches = src.Width / src.XDpi;
        double srcHeightInches = Math.Max(1, src.Height) / src.YDpi;
        double scale = Math.Min(pageWidth / xDpi / srcWidthInches, pageHeight / yDpi / srcHeightInches);
        int w = Math.Clamp((int)Math.Round(srcWidthInches * scale * xDpi), 1, pageWidth);
        int h = Math.Clamp((int)Math.Round(srcHeightInches * scale * yDpi), 1, pageHeight);
        GrayImage scaled = Resize(src, w, h);

        var page = new GrayImage(pageWidth, pageHeight, xDpi, yDpi);
        page.Pixels.AsSpan().Fill(255);
        int left = (pageWidth - w) / 2;
        int top = (pageHeight - h) / 2;
        for (int y = 0; y < h; y++)
        {
            scaled.Row(y).CopyTo(page.Row(top + y).Slice(left, w));
        }

        return page;
    }

    /// <summary>Per destination index: first source index, and a run of weights in 1/256 (sum exactly 256).</summary>
    private sealed class AxisWeights
    {
        public required int[] Start { get; init; }

        public required int[] Offset { get; init; }

        public required int[] Weight { get; init; }

        public static AxisWeights Create(int srcLength, int dstLength)
        {
            var start = new int[dstLength];
            var offset = new int[dstLength + 1];
            var weights = new List<int>(dstLength * 2);
            double ratio = (double)srcLength / dstLength;
            for (int i = 0; i < dstLength; i++)
            {
                double a = i * ratio;
                double b = Math.Min(srcLength, (i + 1) * ratio);
                int first = Math.Min(srcLength - 1, (int)a);
                int last = Math.Max(first, Math.Min(srcLength - 1, (int)Math.Ceiling(b) - 1));
                start[i] = first;
                offset[i] = weights.Count;
                int sum = 0;
                for (int s = first; s <= last; s++)
                {
                    double cover = Math.Min(b, s + 1) - Math.Max(a, s);
                    int wgt = (int)Math.Round(cover / (b - a) * 256);
                    weights.Add(wgt);
                    sum += wgt;
                }

                weights[^1] += 256 - sum; // exact unit sum, so flat areas stay exactly flat
            }

            offset[dstLength] = weights.Count;
            return new AxisWeights { Start = start, Offset = offset, Weight = [.. weights] };
        }
    }
}
