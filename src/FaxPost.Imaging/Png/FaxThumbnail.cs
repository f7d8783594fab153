using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Png;

/// <summary>
/// Preview images of fax pages: area-averaged down-scaling to grey (each preview pixel is the mean
/// darkness of the page area it covers, so thin strokes become grey rather than vanishing), with the
/// aspect ratio taken from the page's physical size (a 204 x 98 page is stretched 2x vertically).
/// </summary>
public static class FaxThumbnail
{
    /// <summary>The page scaled to <paramref name="width"/> pixels, height from the page's physical aspect ratio.</summary>
    public static GrayImage Render(BilevelImage page, int width)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Render(page.Width, page.Height, page.XDpi, page.YDpi, width, (y, darkness) =>
        {
            ReadOnlySpan<byte> row = page.Row(y);
            bool any = false;
            for (int xb = 0; xb < row.Length; xb++)
            {
                byte b = row[xb];
                if (b == 0)
                {
                    continue; // eight white pixels
                }

                any = true;
                for (int bit = 0; bit < 8; bit++)
                {
                    int x = (xb << 3) + bit;
                    if (x < darkness.Length && (b & (0x80 >> bit)) != 0)
                    {
                        darkness[x] = 1;
                    }
                }
            }

            return any;
        });
    }

    /// <summary>A grey page (a scanned photo, say) scaled the same way.</summary>
    public static GrayImage Render(GrayImage page, int width)
    {
        ArgumentNullException.ThrowIfNull(page);
        return Render(page.Width, page.Height, page.XDpi, page.YDpi, width, (y, darkness) =>
        {
            ReadOnlySpan<byte> row = page.Row(y);
            bool any = false;
            for (int x = 0; x < row.Length; x++)
            {
                if (row[x] != 255)
                {
                    darkness[x] = (255 - row[x]) / 255.0;
                    any = true;
                }
            }

            return any;
        });
    }

    /// <summary>A PNG preview (8-bit grey) of <paramref name="page"/>, <paramref name="width"/> pixels wide.</summary>
    public static byte[] RenderPng(BilevelImage page, int width = 300) => PngEncoder.Encode(Render(page, width));

    /// <summary>A PNG preview of the first page of a TIFF file (fax or not).</summary>
    public static byte[] RenderPng(TiffDocument document, int width = 300)
    {
        ArgumentNullException.ThrowIfNull(document);
        TiffPage first = document.Pages[0];
        return PngEncoder.Encode(first.IsBilevel ? Render(first.DecodeBilevel(), width) : Render(first.DecodeGray(), width));
    }

    /// <summary>
    /// Area averaging: source pixel [x, x+1) x [y, y+1) adds its darkness times its overlap with each
    /// preview pixel's area; <paramref name="readRow"/> fills one row's darkness (0..1) and says whether any is non-zero.
    /// </summary>
    private static GrayImage Render(int srcWidth, int srcHeight, double xDpi, double yDpi, int width, Func<int, double[], bool> readRow)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (srcHeight == 0)
        {
            throw new ArgumentException("The page has no rows.");
        }

        xDpi = xDpi > 0 ? xDpi : 204;
        yDpi = yDpi > 0 ? yDpi : 196;
        double physicalAspect = (srcHeight / yDpi) / (srcWidth / xDpi);
        int height = Math.Max(1, (int)Math.Round(width * physicalAspect));
        double outDpi = xDpi * width / srcWidth;
        var result = new GrayImage(width, height, outDpi, outDpi);

        double sx = (double)srcWidth / width, sy = (double)srcHeight / height;
        var sum = new double[width * height];
        var darkness = new double[srcWidth];
        var rowSum = new double[width];
        for (int y = 0; y < srcHeight; y++)
        {
            Array.Clear(darkness);
            if (!readRow(y, darkness))
            {
                continue;
            }

            Array.Clear(rowSum);
            for (int x = 0; x < srcWidth; x++)
            {
                if (darkness[x] == 0)
                {
                    continue;
                }

                for (int tx = (int)(x / sx); tx < width && tx * sx < x + 1; tx++)
                {
                    rowSum[tx] += darkness[x] * Overlap(x, x + 1, tx * sx, (tx + 1) * sx);
                }
            }

            for (int ty = (int)(y / sy); ty < height && ty * sy < y + 1; ty++)
            {
                double w = Overlap(y, y + 1, ty * sy, (ty + 1) * sy);
                Span<double> target = sum.AsSpan(ty * width, width);
                for (int tx = 0; tx < width; tx++)
                {
                    target[tx] += rowSum[tx] * w;
                }
            }
        }

        double area = sx * sy;
        for (int i = 0; i < sum.Length; i++)
        {
            result.Pixels[i] = (byte)Math.Round(255 * (1 - Math.Clamp(sum[i] / area, 0, 1)));
        }

        return result;
    }

    private static double Overlap(double a0, double a1, double b0, double b1) => Math.Max(0, Math.Min(a1, b1) - Math.Max(a0, b0));
}
