using System.Buffers;

namespace FaxPost.Imaging.Raster;

/// <summary>Turns grey rasters into fax black and white.</summary>
public static class GrayToBilevel
{
    /// <summary>A pixel darker than <paramref name="threshold"/> becomes black.</summary>
    public static BilevelImage Threshold(GrayImage src, byte threshold = 128)
    {
        ArgumentNullException.ThrowIfNull(src);
        var dst = new BilevelImage(src.Width, src.Height, src.XDpi, src.YDpi);
        for (int y = 0; y < src.Height; y++)
        {
            ReadOnlySpan<byte> g = src.Row(y);
            Span<byte> b = dst.Row(y);
            for (int x = 0; x < g.Length; x++)
            {
                if (g[x] < threshold)
                {
                    b[x >> 3] |= (byte)(0x80 >> (x & 7));
                }
            }
        }

        return dst;
    }

    /// <summary>
    /// Floyd–Steinberg error diffusion (weights 7/16, 3/16, 5/16, 1/16), serpentine scan so that
    /// the error does not drift to one side. Pure white and pure black areas stay clean.
    /// </summary>
    public static BilevelImage FloydSteinberg(GrayImage src)
    {
        ArgumentNullException.ThrowIfNull(src);
        int w = src.Width;
        var dst = new BilevelImage(w, src.Height, src.XDpi, src.YDpi);

        // Two error rows with one guard cell at each end; errors are in 1/16 units.
        int[] cur = ArrayPool<int>.Shared.Rent(w + 2);
        int[] next = ArrayPool<int>.Shared.Rent(w + 2);
        try
        {
            Array.Clear(cur, 0, w + 2);
            Array.Clear(next, 0, w + 2);
            for (int y = 0; y < src.Height; y++)
            {
                ReadOnlySpan<byte> g = src.Row(y);
                Span<byte> b = dst.Row(y);
                bool ltr = (y & 1) == 0;
                int step = ltr ? 1 : -1;
                int x = ltr ? 0 : w - 1;
                for (int n = 0; n < w; n++, x += step)
                {
                    int value = g[x] + ((cur[x + 1] + 8) >> 4);
                    int error;
                    if (value < 128)
                    {
                        b[x >> 3] |= (byte)(0x80 >> (x & 7));
                        error = value;
                    }
                    else
                    {
                        error = value - 255;
                    }

                    // Neighbours in scan direction: ahead (x+step), and below-behind, below, below-ahead.
                    cur[x + 1 + step] += error * 7;
                    next[x + 1 - step] += error * 3;
                    next[x + 1] += error * 5;
                    next[x + 1 + step] += error;
                }

                (cur, next) = (next, cur);
                Array.Clear(next, 0, w + 2);
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(cur);
            ArrayPool<int>.Shared.Return(next);
        }

        return dst;
    }
}
