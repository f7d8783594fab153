using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>Deterministic synthetic pages: strokes, blocks and dots, like text and line art.</summary>
internal static class TestPages
{
    public static BilevelImage Create(int width, int height, int seed, double xDpi = 204, double yDpi = 196)
    {
        var image = new BilevelImage(width, height, xDpi, yDpi);
        var random = new Random(seed);
        int shapes = Math.Max(4, width * height / 4000);
        for (int i = 0; i < shapes; i++)
        {
            int x0 = random.Next(width), y0 = random.Next(height);
            int w = random.Next(1, Math.Max(2, width / 6)), h = random.Next(1, Math.Max(2, height / 10));
            bool hollow = random.Next(2) == 0;
            for (int y = y0; y < Math.Min(height, y0 + h); y++)
            {
                for (int x = x0; x < Math.Min(width, x0 + w); x++)
                {
                    bool edge = y == y0 || x == x0 || y == y0 + h - 1 || x == x0 + w - 1;
                    if (!hollow || edge)
                    {
                        image[x, y] = !image[x, y];
                    }
                }
            }
        }

        for (int i = 0; i < width * height / 500; i++)
        {
            image[random.Next(width), random.Next(height)] = true;
        }

        return image;
    }

    public static void AssertSamePixels(BilevelImage expected, BilevelImage actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        for (int y = 0; y < expected.Height; y++)
        {
            if (!expected.Row(y).SequenceEqual(actual.Row(y)))
            {
                int x = 0;
                while (x < expected.Width && expected[x, y] == actual[x, y])
                {
                    x++;
                }

                Assert.Fail($"pixels differ first at row {y}, column {x}");
            }
        }
    }

    public static int CountDifferences(BilevelImage a, BilevelImage b)
    {
        int n = 0;
        for (int y = 0; y < Math.Min(a.Height, b.Height); y++)
        {
            for (int x = 0; x < Math.Min(a.Width, b.Width); x++)
            {
                if (a[x, y] != b[x, y])
                {
                    n++;
                }
            }
        }

        return n + (Math.Abs(a.Height - b.Height) * a.Width) + (Math.Abs(a.Width - b.Width) * a.Height);
    }
}
