using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>Fax TIFFs as Ghostscript and libtiff write them, decoded through the T.4/T.6 codecs.</summary>
public sealed class TiffFaxReaderTests
{
    private const string PostScript = """
        %!PS
        /Helvetica findfont 28 scalefont setfont
        40 700 moveto (FaxPost test page: The quick brown fox) show
        40 660 moveto (jumps over the lazy dog 0123456789) show
        3 setlinewidth 40 600 moveto 560 420 lineto stroke
        0.5 setlinewidth 50 50 500 300 rectstroke
        100 100 200 100 rectfill
        showpage
        /Times-Roman findfont 40 scalefont setfont
        60 400 moveto (Second page) show
        showpage
        """;

    [Theory]
    [InlineData("tiffg3", 98, 1)]
    [InlineData("tiffg32d", 196, 1)]
    [InlineData("tiffg4", 196, 1)]
    [InlineData("tiffg3", 196, 2)]
    [InlineData("tiffg4", 391, 2)]
    [InlineData("tiffcrle", 196, 1)]
    public void Ghostscript_fax_files_decode_to_what_ghostscript_renders(string device, int yDpi, int fillOrder)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("doc.ps"), PostScript);
        string res = $"-r204x{yDpi}";
        string[] common = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", res, "-g1728x" + (11 * yDpi)];
        ExternalTool.Run("gs", [.. common, $"-sDEVICE={device}", $"-dFillOrder={fillOrder}", "-sOutputFile=" + dir.File("fax.tif"), dir.File("doc.ps")]);
        ExternalTool.Run("gs", [.. common, "-sDEVICE=pbmraw", "-sOutputFile=" + dir.File("p%d.pbm"), dir.File("doc.ps")]);

        TiffDocument doc = TiffDocument.Read(File.ReadAllBytes(dir.File("fax.tif")));

        Assert.Equal(2, doc.Pages.Count);
        for (int i = 0; i < 2; i++)
        {
            BilevelImage expected = Netpbm.ReadPbm(File.ReadAllBytes(dir.File($"p{i + 1}.pbm")));
            TiffPage page = doc.Pages[i];
            Assert.True(page.IsFax);
            Assert.Equal(fillOrder, page.FillOrder);
            BilevelImage decoded = page.DecodeBilevel();
            TestPages.AssertSamePixels(expected, decoded);
            Assert.Equal(yDpi, decoded.YDpi, 0);
        }
    }

    [Theory]
    [InlineData("g3", false, 0)]
    [InlineData("g3:2d", true, 0)]
    [InlineData("g3:2d:fill", true, 100)]
    [InlineData("g3:fill", false, 37)]
    [InlineData("g4", false, 0)]
    [InlineData("g4", true, 64)]
    public void Libtiff_fax_files_decode_to_the_source_pixels(string coding, bool lsbFirst, int rowsPerStrip)
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(1728, 300, seed: 61, 204, 196);
        string tif = FaxStrips.MakeFaxTiff(dir, page, coding, lsbFirst, rowsPerStrip);

        TiffPage p = TiffDocument.Read(File.ReadAllBytes(tif)).Pages[0];

        TestPages.AssertSamePixels(page, p.DecodeBilevel());
        Assert.Equal(page.Width, p.DecodeGray().Width);
    }

    [Fact]
    public void A_page_received_and_written_by_spandsp_decodes_like_libtiff_decodes_it()
    {
        using var dir = new TempDir();
        string path = TestData("spandsp-rx-g3-2d-lsb.tif");

        TiffPage page = Assert.Single(TiffDocument.Read(File.ReadAllBytes(path)).Pages);

        Assert.Equal(2, page.FillOrder);
        Assert.Equal(5u, page.T4Options);
        Assert.Equal(1078, page.RowsPerStrip); // stored as 2^32-1 ("one strip"), clamped to the page
        Assert.Equal(0, page.CleanFaxData);
        BilevelImage ours = page.DecodeBilevel();
        TestPages.AssertSamePixels(FaxStrips.DecodeWithLibtiff(dir, path)[0], ours);
        Assert.Contains(ours.Pixels, b => b != 0); // the page has text on it
        Assert.Equal(98, ours.YDpi, 3);
    }

    internal static string TestData(string name)
    {
        // Test data lives in the source tree (tests/FaxPost.Imaging.Tests/TestData/Tiff), found from the test binary upwards.
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            string candidate = Path.Combine(d.FullName, "TestData", "Tiff", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("test data not found", name);
    }

    [Fact]
    public void Multi_strip_g4_pages_become_pdf_ready_single_blocks()
    {
        using var dir = new TempDir();
        BilevelImage page = TestPages.Create(1728, 300, seed: 62, 204, 196);
        string tif = FaxStrips.MakeFaxTiff(dir, page, "g4", lsbFirst: false, rowsPerStrip: 50);
        TiffPage p = TiffDocument.Read(File.ReadAllBytes(tif)).Pages[0];
        Assert.Equal(6, p.StripCount);

        EncodedFaxPage encoded = p.ToEncodedFaxPage();

        BilevelImage again = FaxPost.Imaging.Codecs.FaxPageCodec.Decode(encoded.Data.Span, encoded.Width, encoded.Coding, out _);
        TestPages.AssertSamePixels(page, again);
    }
}
