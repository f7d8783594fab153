using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Raster;

internal static class RasterTestPages
{
    /// <summary>A page of pseudo-random black pixels (density about 1/density), reproducible from the seed.</summary>
    public static BilevelImage Random(int width, int height, int seed, int density = 5, double xDpi = 204, double yDpi = 196)
    {
        var rng = new Random(seed);
        var image = new BilevelImage(width, height, xDpi, yDpi);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                image[x, y] = rng.Next(density) == 0;
            }
        }

        return image;
    }

    public static int CountBlack(BilevelImage image)
    {
        int n = 0;
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = 0; x < image.Width; x++)
            {
                n += image[x, y] ? 1 : 0;
            }
        }

        return n;
    }

    public static void AssertPaddingClear(BilevelImage image)
    {
        for (int y = 0; y < image.Height; y++)
        {
            for (int x = image.Width; x < image.Stride * 8; x++)
            {
                Assert.False((image.Row(y)[x >> 3] & (0x80 >> (x & 7))) != 0, $"pad bit {x} set in row {y}");
            }
        }
    }
}
