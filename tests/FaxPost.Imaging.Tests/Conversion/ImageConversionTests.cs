using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class ImageConversionTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly DocumentConverter _converter;

    public ImageConversionTests()
    {
        _converter = new DocumentConverter(new ConverterSettings { TempDirectory = _dir.Path });
    }

    public void Dispose() => _dir.Dispose();

    private string MakeJpeg(string name, string device, string postScript, params string[] extra)
    {
        string ps = _dir.Write(name + ".ps", postScript);
        string jpg = _dir.PathOf(name);
        Ghostscript.Run([.. new[] { "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=" + device, "-r50" }, .. extra, "-sOutputFile=" + jpg, ps]);
        return jpg;
    }

    [Fact]
    public void Jpeg_frame_header_gives_size_and_components()
    {
        string jpg = MakeJpeg("a.jpg", "jpeg", Ghostscript.NumberedPages(1), "-dDEVICEWIDTHPOINTS=144", "-dDEVICEHEIGHTPOINTS=72", "-dFIXEDMEDIA");

        JpegInfo info = JpegPdfWrapper.ReadInfo(File.ReadAllBytes(jpg));

        Assert.Equal((100, 50, 3), (info.Width, info.Height, info.Components)); // 2 x 1 inch at 50 dpi
    }

    [Theory]
    [InlineData("jpeg")]
    [InlineData("jpeggray")]
    [InlineData("jpegcmyk")] // Adobe CMYK, stored inverted: a wrong /Decode would make the page mostly black
    public async Task Jpeg_converts_to_one_page(string device)
    {
        string jpg = MakeJpeg("photo.jpg", device, Ghostscript.NumberedPages(1));

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "photo.jpg", jpg);

        BilevelImage page = Assert.Single(pages);
        Assert.Equal((1728, 2292), (page.Width, page.Height));
        Assert.True(Ghostscript.HasBlack(page));
        Assert.InRange(Tests.Raster.RasterTestPages.CountBlack(page) / (1728.0 * 2292), 0.001, 0.1); // black text on white
        Assert.Empty(Directory.GetFiles(_dir.Path, "faxpost-jpeg-*")); // the wrapper PDF is removed
    }

    [Fact]
    public async Task Landscape_jpeg_is_turned_to_fill_the_portrait_page()
    {
        string jpg = MakeJpeg("wide.jpg", "jpeggray", "%!PS\n0 0 moveto 288 0 rlineto 0 144 rlineto -288 0 rlineto closepath fill showpage\n",
            "-dDEVICEWIDTHPOINTS=288", "-dDEVICEHEIGHTPOINTS=144", "-dFIXEDMEDIA");

        BilevelImage page = Assert.Single(await Ghostscript.RenderAll(_converter, "wide.jpg", jpg));

        (int left, int right, int top, int bottom) = (page.Width, 0, page.Height, 0);
        for (int y = 0; y < page.Height; y++)
        {
            for (int x = 0; x < page.Width; x++)
            {
                if (page[x, y])
                {
                    (left, right, top, bottom) = (Math.Min(left, x), Math.Max(right, x), Math.Min(top, y), Math.Max(bottom, y));
                }
            }
        }

        // 2:1 landscape turned: 1686 px wide (the A4 paper) and about twice that in inches tall.
        double widthInches = (right - left + 1) / 204.0;
        double heightInches = (bottom - top + 1) / 196.0;
        Assert.InRange(heightInches / widthInches, 1.4, 2.1);
        Assert.InRange(widthInches, 5.5, 8.3);
    }

    [Fact]
    public void Fuzzed_jpeg_headers_only_ever_fail_with_format_errors()
    {
        string jpg = MakeJpeg("seed.jpg", "jpeg", Ghostscript.NumberedPages(1), "-dDEVICEWIDTHPOINTS=72", "-dDEVICEHEIGHTPOINTS=72", "-dFIXEDMEDIA");
        byte[] seed = File.ReadAllBytes(jpg);
        var rng = new Random(5);
        for (int i = 0; i < 100_000; i++)
        {
            byte[] input = seed.AsSpan(0, Math.Min(seed.Length, 64 + rng.Next(400))).ToArray();
            for (int e = 0; e < 1 + rng.Next(3); e++)
            {
                input[rng.Next(input.Length)] = (byte)rng.Next(256);
            }

            try
            {
                JpegInfo info = JpegPdfWrapper.ReadInfo(input);
                Assert.True(info.Width > 0 && info.Height > 0);
            }
            catch (ImageFormatException)
            {
            }
        }
    }

    [Fact]
    public async Task Jpeg_without_a_frame_header_is_broken()
    {
        string path = _dir.Write("cut.jpg", [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, (byte)'J', (byte)'F', (byte)'I', (byte)'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);

        Assert.Equal(ConversionFailure.Broken, (await Ghostscript.Refused(_converter, "cut.jpg", path)).Reason);
    }

    [Fact]
    public async Task Png_is_scaled_to_the_page_and_dithered()
    {
        // A 40 x 60 grey ramp at 72 dpi (portrait), black on the left to white on the right.
        var samples = new int[60, 40, 1];
        for (int y = 0; y < 60; y++)
        {
            for (int x = 0; x < 40; x++)
            {
                samples[y, x, 0] = x * 255 / 39; // black on the left, white on the right
            }
        }

        string path = _dir.Write("ramp.png", TestPngEncoder.Encode(40, 60, 0, 8, samples));

        BilevelImage page = Assert.Single(await Ghostscript.RenderAll(_converter, "ramp.png", path));

        Assert.Equal((1728, 2292), (page.Width, page.Height));
        double Density(int x0, int x1)
        {
            int black = 0;
            for (int y = 500; y < 1500; y++)
            {
                for (int x = x0; x < x1; x++)
                {
                    black += page[x, y] ? 1 : 0;
                }
            }

            return black / (1000.0 * (x1 - x0));
        }

        // 40 x 60 px at 72 dpi is 0.556 x 0.833 in; the page height limits: x 14.03, so 1590 px wide from column 69.
        Assert.Equal(0, Density(0, 65));
        Assert.InRange(Density(75, 125), 0.93, 1);
        Assert.InRange(Density(840, 890), 0.45, 0.55);
        Assert.InRange(Density(1560, 1650), 0, 0.08);
        Assert.Equal(0, Density(1662, 1728));
    }

    [Fact]
    public async Task Damaged_png_is_broken()
    {
        var samples = new int[4, 4, 1];
        byte[] png = TestPngEncoder.Encode(4, 4, 0, 8, samples);
        png[^20] ^= 0x55;
        string path = _dir.Write("bad.png", png);

        DocumentConversionException e = await Ghostscript.Refused(_converter, "bad.png", path);

        Assert.Equal(ConversionFailure.Broken, e.Reason);
    }

    [Fact]
    public async Task Cover_page_renders_one_page_with_the_fields()
    {
        var renderer = new CoverPageRenderer(new ConverterSettings());
        var cover = new CoverPage
        {
            ToName = "Anna (Accounts)",
            ToNumber = "+49 30 1234567",
            FromName = "Bj\u00f6rn \\ Sales",
            FromFaxId = "+49 30 7654321",
            Subject = "Invoice 42",
            Note = "Please find the invoice attached.\nThanks!",
            PageCount = 3,
            Date = new DateTimeOffset(2026, 11, 23, 14, 5, 0, TimeSpan.FromHours(1)),
        };

        BilevelImage page = await renderer.RenderAsync(cover, FaxResolution.Fine, PaperSize.A4, CancellationToken.None);
        BilevelImage empty = await renderer.RenderAsync(new CoverPage(), FaxResolution.Fine, PaperSize.A4, CancellationToken.None);

        Assert.Equal((1728, 2292), (page.Width, page.Height));

        // Title and rule only vs. title, rule, 7 fields and 2 note lines.
        Assert.Equal(2, Ghostscript.CountBands(empty));
        Assert.Equal(11, Ghostscript.CountBands(page));
        string ps = System.Text.Encoding.ASCII.GetString(CoverPageRenderer.Generate(cover, PaperSize.A4));
        Assert.Contains("(Anna \\(Accounts\\))", ps, StringComparison.Ordinal);
        Assert.Contains("(Bj\\366rn \\\\ Sales)", ps, StringComparison.Ordinal);
        Assert.Contains("(2026-11-23 14:05 +01:00)", ps, StringComparison.Ordinal);
    }
}
