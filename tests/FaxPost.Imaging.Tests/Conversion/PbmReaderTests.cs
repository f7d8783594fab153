using System.Text;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class PbmReaderTests
{
    private static byte[] Pbm(BilevelImage page, string header = "P4\n# comment\n{0} {1}\n") =>
        [.. Encoding.ASCII.GetBytes(string.Format(System.Globalization.CultureInfo.InvariantCulture, header, page.Width, page.Height)), .. page.Pixels];

    private static List<BilevelImage> ReadAll(byte[] data, int chunk)
    {
        var reader = new PbmReader(204, 196);
        var pages = new List<BilevelImage>();
        for (int i = 0; i < data.Length; i += chunk)
        {
            ReadOnlySpan<byte> piece = data.AsSpan(i, Math.Min(chunk, data.Length - i));
            while (!piece.IsEmpty)
            {
                int used = reader.Read(piece, out BilevelImage? page);
                piece = piece[used..];
                if (page is not null)
                {
                    pages.Add(page);
                }
            }
        }

        reader.Complete();
        return pages;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(64)]
    [InlineData(100_000)]
    public void Concatenated_pages_read_the_same_in_any_chunks(int chunk)
    {
        BilevelImage a = RasterTestPages.Random(21, 5, seed: 1);
        BilevelImage b = RasterTestPages.Random(1728, 3, seed: 2);
        byte[] data = [.. Pbm(a), .. Pbm(b, "P4 {0}\t{1} ")];

        List<BilevelImage> pages = ReadAll(data, chunk);

        Assert.Equal(2, pages.Count);
        Assert.Equal(a.Pixels, pages[0].Pixels);
        Assert.Equal(b.Pixels, pages[1].Pixels);
        Assert.Equal((21, 5, 196.0), (pages[0].Width, pages[0].Height, pages[0].YDpi));
    }

    [Fact]
    public void Pad_bits_of_the_input_are_cleared()
    {
        byte[] data = [.. "P4 3 1\n"u8, 0xFF];

        BilevelImage page = ReadAll(data, 10).Single();

        Assert.Equal(0xE0, page.Pixels[0]);
    }

    [Fact]
    public void Every_proper_prefix_ends_inside_a_page()
    {
        byte[] data = Pbm(RasterTestPages.Random(9, 4, seed: 3));
        for (int n = 1; n < data.Length; n++)
        {
            var reader = new PbmReader(204, 196);
            Assert.Equal(n, reader.Read(data.AsSpan(0, n), out BilevelImage? page));
            Assert.Null(page);
            Assert.Throws<ImageFormatException>(reader.Complete);
        }
    }

    [Theory]
    [InlineData("P1 1 1\n0")]
    [InlineData("P4 0 5\n")]
    [InlineData("P4 99999999 1\n")]
    [InlineData("P4 x 1\n")]
    [InlineData("GIF89a")]
    public void Bad_headers_are_format_errors(string data)
    {
        var reader = new PbmReader(204, 196);
        Assert.Throws<ImageFormatException>(() => reader.Read(Encoding.ASCII.GetBytes(data), out _));
    }

    [Fact]
    public void Fuzzed_streams_only_ever_fail_with_format_errors()
    {
        var rng = new Random(99);
        byte[] seed = [.. Pbm(RasterTestPages.Random(17, 3, seed: 4)), .. Pbm(RasterTestPages.Random(8, 2, seed: 5), "P4\n{0} {1}\n")];
        for (int i = 0; i < 100_000; i++)
        {
            byte[] input = (byte[])seed.Clone();
            int edits = 1 + rng.Next(3);
            for (int e = 0; e < edits; e++)
            {
                input[rng.Next(Math.Min(input.Length, 24))] = (byte)rng.Next(256); // headers are at the front
            }

            try
            {
                foreach (BilevelImage page in ReadAll(input, 1 + rng.Next(40)))
                {
                    Assert.Equal(page.Stride * page.Height, page.Pixels.Length);
                }
            }
            catch (ImageFormatException)
            {
            }
        }
    }
}
