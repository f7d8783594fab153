using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>Synthetic pages for codec tests.</summary>
internal static class TestPages
{
    public static BilevelImage White(int width, int height) => new(width, height);

    public static BilevelImage Black(int width, int height)
    {
        var page = new BilevelImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                page[x, y] = true;
            }
        }

        return page;
    }

    /// <summary>Worst case: every pel differs from its neighbours, rows shifted by one.</summary>
    public static BilevelImage Checkerboard(int width, int height)
    {
        var page = new BilevelImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                page[x, y] = ((x + y) & 1) == 0;
            }
        }

        return page;
    }

    public static BilevelImage Random(int width, int height, int seed, double blackShare = 0.5)
    {
        var random = new Random(seed);
        var page = new BilevelImage(width, height);
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                page[x, y] = random.NextDouble() < blackShare;
            }
        }

        return page;
    }

    /// <summary>Text-like: lines of glyph-sized blocks with vertical coherence, plus rules and a solid box.</summary>
    public static BilevelImage TextLike(int width, int height, int seed)
    {
        var random = new Random(seed);
        var page = new BilevelImage(width, height);
        for (int line = 8; line + 24 < height; line += 30)
        {
            int x = 10 + random.Next(30);
            while (x + 20 < width)
            {
                int glyphWidth = 4 + random.Next(14);
                int glyphHeight = 10 + random.Next(14);
                int top = line + 24 - glyphHeight;
                int stroke = 1 + random.Next(3);
                for (int y = top; y < line + 24; y++)
                {
                    for (int gx = 0; gx < glyphWidth && x + gx < width; gx++)
                    {
                        bool edge = gx < stroke || gx >= glyphWidth - stroke || y < top + stroke || (y - top) % 7 == 0;
                        page[x + gx, y] = edge && random.Next(10) != 0;
                    }
                }

                x += glyphWidth + 2 + random.Next(random.Next(8) == 0 ? 40 : 6);
            }
        }

        for (int y = height / 3; y < Math.Min(height, (height / 3) + 3); y++)
        {
            for (int x = 0; x < width; x++)
            {
                page[x, y] = true;
            }
        }

        for (int y = height / 2; y < Math.Min(height, (height / 2) + 20); y++)
        {
            for (int x = width / 4; x < width / 2; x++)
            {
                page[x, y] = true;
            }
        }

        return page;
    }

    /// <summary>Rows of long runs that need make-up codes, including runs over 2560 at wide pages.</summary>
    public static BilevelImage LongRuns(int width, int height, int seed)
    {
        var random = new Random(seed);
        var page = new BilevelImage(width, height);
        for (int y = 0; y < height; y++)
        {
            int x = random.Next(Math.Max(1, width));
            bool black = random.Next(2) == 0;
            for (int i = 0; i < width; i++)
            {
                page[i, y] = i >= x ? black : !black;
            }
        }

        return page;
    }

    public static IEnumerable<(string Name, BilevelImage Page)> Structured(int width, int height, int seed)
    {
        yield return ("white", White(width, height));
        yield return ("black", Black(width, height));
        yield return ("checkerboard", Checkerboard(width, height));
        yield return ("random", Random(width, height, seed));
        yield return ("sparse", Random(width, height, seed + 1, 0.02));
        yield return ("text", TextLike(width, height, seed));
        yield return ("longruns", LongRuns(width, height, seed));
    }

    /// <summary>True when both pages have the same size and the same pels (pad bits ignored).</summary>
    public static void AssertSamePixels(BilevelImage expected, BilevelImage actual)
    {
        Assert.Equal(expected.Width, actual.Width);
        Assert.Equal(expected.Height, actual.Height);
        for (int y = 0; y < expected.Height; y++)
        {
            if (!SameRow(expected.Row(y), actual.Row(y), expected.Width))
            {
                Assert.Fail($"row {y} differs");
            }
        }
    }

    public static bool SameRow(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, int width)
    {
        int whole = width >> 3;
        if (!a.Slice(0, whole).SequenceEqual(b.Slice(0, whole)))
        {
            return false;
        }

        if ((width & 7) == 0)
        {
            return true;
        }

        byte mask = (byte)(0xFF << (8 - (width & 7)));
        return (a[whole] & mask) == (b[whole] & mask);
    }

    public static FaxCodingOptions Options(FaxCompression compression, int k = 4, bool aligned = false, bool lsb = false, bool rtc = true) => new()
    {
        Compression = compression,
        K = k,
        ByteAlignedEol = aligned,
        LsbFirst = lsb,
        Rtc = rtc,
    };
}
