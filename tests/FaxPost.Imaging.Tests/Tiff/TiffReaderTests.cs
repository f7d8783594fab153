using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>Files made by netpbm and libtiff's tiffcp, read back and compared with the pixels they came from.</summary>
public sealed class TiffReaderTests
{
    [Theory]
    [InlineData("none", false, 0)]
    [InlineData("lzw", false, 0)]
    [InlineData("zip", false, 0)]
    [InlineData("packbits", false, 0)]
    [InlineData("lzw", true, 0)]
    [InlineData("packbits", true, 7)]
    [InlineData("zip", false, 13)]
    [InlineData("lzw", false, 1)]
    public void Bilevel_pages_from_tiffcp_decode_to_the_same_pixels(string compression, bool lsbFirst, int rowsPerStrip)
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(301, 157, seed: 7, xDpi: 204, yDpi: 98);
        string tif = MakeTiff(dir, page, compression, lsbFirst, rowsPerStrip);

        TiffDocument doc = TiffDocument.Read(File.ReadAllBytes(tif));

        TiffPage p = Assert.Single(doc.Pages);
        Assert.True(p.IsBilevel);
        Assert.Equal(lsbFirst ? 2 : 1, p.FillOrder);
        if (rowsPerStrip > 0)
        {
            Assert.Equal((157 + rowsPerStrip - 1) / rowsPerStrip, p.StripCount);
        }

        BilevelImage decoded = p.DecodeBilevel();
        TestPages.AssertSamePixels(page, decoded);
        Assert.Equal(204, decoded.XDpi, 3);
        Assert.Equal(98, decoded.YDpi, 3);
    }

    [Fact]
    public void BlackIsZero_bilevel_pages_come_out_as_one_for_black()
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(100, 40, seed: 3);
        File.WriteAllBytes(dir.File("a.pbm"), Netpbm.WritePbm(page));
        byte[] tiff = ExternalTool.Run("pnmtotiff", "-minisblack", dir.File("a.pbm")).Stdout;

        TiffPage p = TiffDocument.Read(tiff).Pages[0];

        Assert.Equal(TiffPhotometric.BlackIsZero, p.Photometric);
        TestPages.AssertSamePixels(page, p.DecodeBilevel());
    }

    [Theory]
    [InlineData("none")]
    [InlineData("lzw:2")]
    [InlineData("zip:2")]
    [InlineData("packbits")]
    public void Grey_pages_decode_to_the_same_levels(string compression)
    {
        using var dir = new TempDir();
        var gray = new GrayImage(97, 61);
        var random = new Random(5);
        random.NextBytes(gray.Pixels);
        for (int i = 0; i < 1000; i++)
        {
            gray.Pixels[i] = (byte)(i / 4); // smooth run for the predictor
        }

        File.WriteAllBytes(dir.File("a.pgm"), Netpbm.WritePgm(gray));
        File.WriteAllBytes(dir.File("a.tif"), ExternalTool.Run("pnmtotiff", dir.File("a.pgm")).Stdout);
        ExternalTool.Run("tiffcp", "-c", compression, "-r", "16", dir.File("a.tif"), dir.File("b.tif"));

        TiffPage p = TiffDocument.Read(File.ReadAllBytes(dir.File("b.tif"))).Pages[0];

        Assert.False(p.IsBilevel);
        Assert.Equal(8, p.BitsPerSample);
        Assert.Equal(gray.Pixels, p.DecodeGray().Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rgb_and_palette_pages_decode_to_luma(bool palette)
    {
        using var dir = new TempDir();
        const int W = 50, H = 30;
        var rgb = new byte[W * H * 3];
        var random = new Random(11);
        byte[][] colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0], [200, 100, 50]];
        for (int i = 0; i < W * H; i++)
        {
            byte[] c = palette ? colours[random.Next(colours.Length)] : [(byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)];
            c.CopyTo(rgb, i * 3);
        }

        File.WriteAllBytes(dir.File("a.ppm"), Netpbm.WritePpm(W, H, rgb));
        byte[] tiff = ExternalTool.Run("pnmtotiff", palette ? "-color" : "-truecolor", "-lzw", dir.File("a.ppm")).Stdout;

        TiffPage p = TiffDocument.Read(tiff).Pages[0];

        Assert.Equal(palette ? TiffPhotometric.Palette : TiffPhotometric.Rgb, p.Photometric);
        GrayImage g = p.DecodeGray();
        for (int i = 0; i < W * H; i++)
        {
            int expected = ((299 * rgb[3 * i]) + (587 * rgb[(3 * i) + 1]) + (114 * rgb[(3 * i) + 2]) + 500) / 1000;
            Assert.InRange(g.Pixels[i], expected - 1, expected + 1); // palette entries are 16-bit, scaled back
        }
    }

    [Fact]
    public void Multi_page_files_list_every_page_in_order()
    {
        using var dir = new TempDir();
        var inputs = new List<string>();
        var pages = new List<BilevelImage>();
        for (int i = 0; i < 3; i++)
        {
            BilevelImage page = TestPages.Create(64 + i, 20 + i, seed: i);
            pages.Add(page);
            inputs.Add(MakeTiff(dir, page, "lzw", false, 0, $"p{i}"));
        }

        ExternalTool.Run("tiffcp", [.. inputs, dir.File("all.tif")]);

        TiffDocument doc = TiffDocument.Read(File.ReadAllBytes(dir.File("all.tif")));

        Assert.Equal(3, doc.Pages.Count);
        for (int i = 0; i < 3; i++)
        {
            TestPages.AssertSamePixels(pages[i], doc.Pages[i].DecodeBilevel());
        }
    }

    [Fact]
    public void Tiled_pages_are_refused_with_a_clear_error()
    {
        using var dir = new TempDir();
        string tif = MakeTiff(dir, TestPages.Create(64, 64, 1), "none", false, 0);
        ExternalTool.Run("tiffcp", "-t", "-w", "16", "-l", "16", tif, dir.File("tiled.tif"));

        TiffPage p = TiffDocument.Read(File.ReadAllBytes(dir.File("tiled.tif"))).Pages[0];

        Assert.True(p.IsTiled);
        var e = Assert.Throws<TiffFormatException>(p.DecodeBilevel);
        Assert.Contains("tiles", e.Message);
    }

    [Fact]
    public void Reading_from_a_stream_equals_reading_the_bytes()
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(80, 33, 2);
        string tif = MakeTiff(dir, page, "packbits", false, 0);
        using FileStream s = File.OpenRead(tif);

        TiffDocument doc = TiffDocument.Read(s);

        TestPages.AssertSamePixels(page, doc.Pages[0].DecodeBilevel());
        Assert.Throws<TiffFormatException>(() => TiffDocument.Read(File.OpenRead(tif), new TiffReadOptions { MaxFileBytes = 100 }));
    }

    [Fact]
    public async Task A_stream_that_delivers_a_few_bytes_at_a_time_reads_the_same()
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(120, 40, 8);
        byte[] file = File.ReadAllBytes(MakeTiff(dir, page, "lzw", false, 9));

        foreach (int chunk in new[] { 1, 3, 7, 64 })
        {
            TiffDocument doc = TiffDocument.Read(new TrickleStream(file, chunk));
            TestPages.AssertSamePixels(page, doc.Pages[0].DecodeBilevel());
            TiffDocument viaAsync = await TiffDocument.ReadAsync(new TrickleStream(file, chunk));
            TestPages.AssertSamePixels(page, viaAsync.Pages[0].DecodeBilevel());
        }
    }

    /// <summary>Hands out at most a few bytes per Read, as a socket or pipe may.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int n = Math.Min(Math.Min(count, chunk), data.Length - _position);
            Array.Copy(data, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    internal static string MakeTiff(TempDir dir, BilevelImage page, string compression, bool lsbFirst, int rowsPerStrip, string name = "page")
    {
        string pbm = dir.File(name + ".pbm"), raw = dir.File(name + ".raw.tif"), tif = dir.File(name + ".tif");
        File.WriteAllBytes(pbm, Netpbm.WritePbm(page));
        File.WriteAllBytes(raw, ExternalTool.Run("pnmtotiff", "-xresolution", page.XDpi.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-yresolution", page.YDpi.ToString(System.Globalization.CultureInfo.InvariantCulture), pbm).Stdout);
        var args = new List<string> { "-c", compression };
        if (lsbFirst)
        {
            args.AddRange(["-f", "lsb2msb"]);
        }

        if (rowsPerStrip > 0)
        {
            args.AddRange(["-r", rowsPerStrip.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        }

        args.AddRange([raw, tif]);
        ExternalTool.Run("tiffcp", args);
        return tif;
    }
}
