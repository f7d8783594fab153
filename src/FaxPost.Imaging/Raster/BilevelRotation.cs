namespace FaxPost.Imaging.Raster;

/// <summary>Quarter turns of bilevel pages, used to put landscape pages on portrait fax paper.</summary>
public static class BilevelRotation
{
    /// <summary>
    /// Rotates by 90°. Counter-clockwise puts the top of a landscape page on the left edge, as a
    /// printer does. Resolutions swap with the axes. Only black bits are visited: pages are mostly white.
    /// </summary>
    public static BilevelImage Rotate90(BilevelImage src, bool clockwise = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        int w = src.Width;
        int h = src.Height;
        var dst = new BilevelImage(Math.Max(1, h), w, src.YDpi, src.XDpi);
        if (h == 0)
        {
            return dst;
        }

        int dstStride = dst.Stride;
        byte[] dp = dst.Pixels;
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<byte> row = src.Row(y);
            int start = row.IndexOfAnyExcept((byte)0);
            if (start < 0)
            {
                continue;
            }

            // Clockwise: (x, y) -> (h-1-y, x). Counter-clockwise: (x, y) -> (y, w-1-x).
            int dx = clockwise ? h - 1 - y : y;
            int dByte = dx >> 3;
            byte dMask = (byte)(0x80 >> (dx & 7));
            for (int i = start; i < row.Length; i++)
            {
                int b = row[i];
                while (b != 0)
                {
                    int bit = System.Numerics.BitOperations.LeadingZeroCount((uint)b) - 24;
                    b &= ~(0x80 >> bit);
                    int x = (i << 3) + bit;
                    if (x >= w)
                    {
                        break;
                    }

                    int dy = clockwise ? x : w - 1 - x;
                    dp[(dy * dstStride) + dByte] |= dMask;
                }
            }
        }

        return dst;
    }

    /// <summary>True when the page is physically wider than tall.</summary>
    public static bool IsLandscape(int width, int height, double xDpi, double yDpi) =>
        width / xDpi > height / yDpi;
}
