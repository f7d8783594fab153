using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class TiffConversionTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly DocumentConverter _converter;

    public TiffConversionTests()
    {
        _converter = new DocumentConverter(new ConverterSettings { TempDirectory = _dir.Path });
    }

    public void Dispose() => _dir.Dispose();

    private string MakeTiff(string name, string device, string resolution, int pages, params string[] extra)
    {
        string ps = _dir.Write(name + ".ps", Ghostscript.NumberedPages(pages));
        string tif = _dir.PathOf(name);
        Ghostscript.Run([.. new[] { "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=" + device, "-r" + resolution, "-sPAPERSIZE=a4", "-dFIXEDMEDIA" }, .. extra, "-sOutputFile=" + tif, ps]);
        return tif;
    }

    [Theory]
    [InlineData("tifflzw")]
    [InlineData("tiffpack")]
    public async Task Bilevel_tiff_pages_keep_their_bits_centred_on_the_scan_line(string device)
    {
        string tif = MakeTiff("scan.tif", device, "204x196", 3);
        string pdf = Ghostscript.MakePdf(_dir, "same.pdf", Ghostscript.NumberedPages(3));

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "scan.tif", tif);
        List<BilevelImage> viaPdf = await Ghostscript.RenderAll(_converter, "same.pdf", pdf);

        Assert.Equal(3, pages.Count);
        Assert.All(pages, p => Assert.Equal((1728, 2292), (p.Width, p.Height)));

        // Same program, same resolution and paper: the TIFF path gives the pixels Ghostscript gives for the PDF
        // (up to a few pixels of rasteriser rounding between the PostScript and PDF interpreters).
        for (int i = 0; i < 3; i++)
        {
            int black = RasterTestPages.CountBlack(viaPdf[i]);
            Assert.InRange(RasterTestPages.CountBlack(pages[i]), black * 0.97, black * 1.03);
        }
    }

    [Fact]
    public async Task Standard_resolution_tiff_is_converted_to_fine()
    {
        string tif = MakeTiff("standard.tif", "tifflzw", "204x98", 1);

        BilevelImage page = Assert.Single(await Ghostscript.RenderAll(_converter, "standard.tif", tif));

        Assert.Equal((1728, 2292, 196.0), (page.Width, page.Height, page.YDpi));
    }

    [Fact]
    public async Task Grey_tiff_is_dithered_onto_the_page()
    {
        string tif = MakeTiff("grey.tif", "tiffgray", "50", 2);

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "grey.tif", tif, new ConversionOptions { Resolution = FaxResolution.Standard });

        Assert.Equal(2, pages.Count);
        Assert.All(pages, p =>
        {
            Assert.Equal((1728, 1146), (p.Width, p.Height));
            Assert.True(Ghostscript.HasBlack(p));
        });
    }

    [Fact]
    public async Task Truncated_tiff_is_broken_and_too_many_pages_are_refused()
    {
        string tif = MakeTiff("five.tif", "tifflzw", "100", 5);
        byte[] bytes = File.ReadAllBytes(tif);
        string cut = _dir.Write("cut.tif", bytes[..(bytes.Length / 2)]);

        Assert.Equal(ConversionFailure.Broken, (await Ghostscript.Refused(_converter, "cut.tif", cut)).Reason);
        Assert.Equal(ConversionFailure.TooManyPages, (await Ghostscript.Refused(_converter, "five.tif", tif, new ConversionOptions { MaxPages = 4 })).Reason);
    }
}
