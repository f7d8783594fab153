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
                Span<int> c = cur.AsSpan(0, w + 2);
                Span<int> n = next.AsSpan(0, w + 2);

                // Error cell of pixel x is [x + 1]; the guards take what falls off the edges.
                if ((y & 1) == 0)
                {
                    for (int x = 0; x < w; x++)
                    {
                        int error = Quantize(g[x] + ((c[x + 1] + 8) >> 4), b, x);
                        c[x + 2] += error * 7;
                        n[x] += error * 3;
                        n[x + 1] += error * 5;
                        n[x + 2] += error;
                    }
                }
                else
                {
                    for (int x = w - 1; x >= 0; x--)
                    {
                        int error = Quantize(g[x] + ((c[x + 1] + 8) >> 4), b, x);
                        c[x] += error * 7;
                        n[x + 2] += error * 3;
                        n[x + 1] += error * 5;
                        n[x] += error;
                    }
                }

                (cur, next) = (next, cur);
                next.AsSpan(0, w + 2).Clear();
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(cur);
            ArrayPool<int>.Shared.Return(next);
        }

        return dst;
    }

    private static int Quantize(int value, Span<byte> row, int x)
    {
        if (value < 128)
        {
            row[x >> 3] |= (byte)(0x80 >> (x & 7));
            return value;
        }

        return value - 255;
    }
}
