using System.Globalization;
using System.Text.RegularExpressions;
using FaxPost.Imaging.Pdf;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tests.Tiff;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Tests.Pdf;

/// <summary>
/// PDFs made from coded fax pages, rendered by poppler (pdftoppm) and Ghostscript at each page's own
/// resolution, so one page pixel is one rendered pixel and the result can be compared with the source.
/// </summary>
public sealed partial class FaxPdfWriterTests
{
    [Theory]
    [InlineData("g4", false)]
    [InlineData("g4", true)]
    [InlineData("g3", false)]
    [InlineData("g3:2d", false)]
    [InlineData("g3:fill", true)]
    [InlineData("g3:2d:fill", false)]
    public void Pages_render_to_the_source_pixels_in_poppler_and_ghostscript(string coding, bool lsbFirst)
    {
        using var dir = new TempDir();
        BilevelImage[] pages = [TestPages.Create(1728, 300, 41, 204, 98), TestPages.Create(1728, 500, 42, 204, 196)];
        string pdf = dir.File("fax.pdf");
        using (FileStream f = File.Create(pdf))
        {
            FaxPdfWriter.Write(pages.Select(p => FaxStrips.Encode(p, coding, lsbFirst)), f);
        }

        AssertPdfInfo(pdf, pages);
        for (int i = 0; i < pages.Length; i++)
        {
            BilevelImage page = pages[i];
            AssertRendersAs(page, RenderPoppler(dir, pdf, i + 1, page), "pdftoppm");
            AssertRendersAs(page, RenderGhostscript(dir, pdf, i + 1, page), "gs");
        }
    }

    [Fact]
    public void A_class_f_tiff_becomes_a_pdf_without_recoding()
    {
        using var dir = new TempDir();
        BilevelImage[] pages = [.. Enumerable.Range(0, 3).Select(i => TestPages.Create(1728, 400 + (10 * i), 50 + i, 204, 196))];
        using var tiff = new MemoryStream();
        using (var w = new TiffFaxWriter(tiff, new TiffFaxWriterOptions { LeaveOpen = true }))
        {
            foreach (BilevelImage p in pages)
            {
                w.AppendEncodedPage(FaxStrips.Encode(p, "g4"));
            }
        }

        byte[] pdfBytes = FaxPdfWriter.FromTiff(tiff.ToArray());
        using var viaStream = new MemoryStream();
        tiff.Position = 0;
        FaxPdfWriter.WriteTiff(tiff, viaStream);
        Assert.Equal(pdfBytes, viaStream.ToArray());
        string pdf = dir.File("fax.pdf");
        File.WriteAllBytes(pdf, pdfBytes);

        AssertPdfInfo(pdf, pages);
        AssertRendersAs(pages[2], RenderPoppler(dir, pdf, 3, pages[2]), "pdftoppm");
        // Every strip's bytes appear verbatim in the PDF: nothing was decoded or re-coded.
        TiffDocument doc = TiffDocument.Read(tiff.ToArray());
        foreach (TiffPage p in doc.Pages)
        {
            Assert.True(pdfBytes.AsSpan().IndexOf(p.GetStrip(0).Span) > 0);
        }
    }

    [Theory]
    [InlineData("tiffg3", 2, 98)]
    [InlineData("tiffg32d", 1, 196)]
    [InlineData("tiffg4", 2, 196)]
    [InlineData("tiffcrle", 1, 98)]
    [InlineData("tiffcrle", 2, 196)]
    public void Ghostscript_fax_tiffs_pass_through_to_pdf_unchanged(string device, int fillOrder, int yDpi)
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("doc.ps"), "%!PS\n/Helvetica findfont 30 scalefont setfont 50 700 moveto (Fax to PDF 123) show 2 setlinewidth 50 650 moveto 500 300 lineto stroke showpage\n");
        string[] common = ["-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", $"-r204x{yDpi}", $"-g1728x{11 * yDpi}"];
        ExternalTool.Run("gs", [.. common, $"-sDEVICE={device}", $"-dFillOrder={fillOrder}", "-sOutputFile=" + dir.File("fax.tif"), dir.File("doc.ps")]);
        // The reference pixels: libtiff's own decoding of the file.
        BilevelImage expected = FaxStrips.DecodeWithLibtiff(dir, dir.File("fax.tif"))[0];
        Assert.Equal(yDpi, expected.YDpi, 0);
        byte[] tiff = File.ReadAllBytes(dir.File("fax.tif"));

        string pdf = dir.File("fax.pdf");
        File.WriteAllBytes(pdf, FaxPdfWriter.FromTiff(tiff));

        AssertPdfInfo(pdf, [expected]);
        AssertRendersAs(expected, RenderPoppler(dir, pdf, 1, expected), "pdftoppm");
        AssertRendersAs(expected, RenderGhostscript(dir, pdf, 1, expected), "gs");
    }

    [Fact]
    public void A_spandsp_received_fax_becomes_a_pdf_that_renders_exactly()
    {
        using var dir = new TempDir();
        string tif = TiffFaxReaderTests.TestData("spandsp-rx-g3-2d-lsb.tif");
        BilevelImage expected = FaxStrips.DecodeWithLibtiff(dir, tif)[0];

        string pdf = dir.File("rx.pdf");
        File.WriteAllBytes(pdf, FaxPdfWriter.FromTiff(File.ReadAllBytes(tif)));

        AssertPdfInfo(pdf, [expected]);
        AssertRendersAs(expected, RenderPoppler(dir, pdf, 1, expected), "pdftoppm");
        AssertRendersAs(expected, RenderGhostscript(dir, pdf, 1, expected), "gs");
    }

    [Fact]
    public void Page_size_comes_from_pixels_and_resolution()
    {
        // 1728 pixels at 204 dpi = 8.47 inches = 609.88 pt (215 mm); 1100 rows at 98 lpi = 808.16 pt.
        var page = new EncodedFaxPage
        {
            Width = 1728, Height = 1100, XDpi = 204, YDpi = 98, Coding = new FaxPost.Imaging.Codecs.FaxCodingOptions(), Data = new byte[] { 0 },
        };
        using var ms = new MemoryStream();
        FaxPdfWriter.Write([page], ms);
        string text = System.Text.Encoding.Latin1.GetString(ms.ToArray());

        Assert.Contains("/MediaBox [0 0 609.8823 808.1632]", text); // a hair under: renderers then make exactly 1728 x 1100 pixels
        Assert.Contains("/K -1 /Columns 1728 /Rows 1100 /BlackIs1 false", text);
        Assert.Contains("%%EOF", text);
    }

    [Fact]
    public void Cross_reference_offsets_point_at_their_objects()
    {
        BilevelImage page = TestPages.Create(200, 50, 1);
        using var ms = new MemoryStream();
        FaxPdfWriter.Write([FaxStrips.Encode(page, "g4"), FaxStrips.Encode(page, "g3")], ms);
        byte[] pdf = ms.ToArray();
        string text = System.Text.Encoding.Latin1.GetString(pdf);

        int startxref = int.Parse(StartXref().Match(text).Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.StartsWith("xref\n0 10\n", text[startxref..]);
        string[] lines = text[startxref..].Split('\n');
        for (int obj = 1; obj < 10; obj++)
        {
            string entry = lines[2 + obj];
            Assert.Equal(19, entry.Length); // 20 bytes with the '\n'
            int offset = int.Parse(entry[..10], CultureInfo.InvariantCulture);
            Assert.StartsWith($"{obj} 0 obj", text[offset..]);
        }
    }

    internal static void AssertPdfInfo(string pdf, BilevelImage[] pages)
    {
        string info = ExternalTool.Run("pdfinfo", "-f", "1", "-l", pages.Length.ToString(CultureInfo.InvariantCulture), pdf).Text;
        Assert.Matches($"Pages:\\s+{pages.Length}\\n", info);
        for (int i = 0; i < pages.Length; i++)
        {
            double w = pages[i].Width * 72 / pages[i].XDpi, h = pages[i].Height * 72 / pages[i].YDpi;
            Match m = Regex.Match(info, $"Page\\s+{i + 1} size:\\s+([0-9.]+) x ([0-9.]+) pts");
            Assert.True(m.Success, info);
            Assert.Equal(w, double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), 1);
            Assert.Equal(h, double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), 1);
        }
    }

    internal static BilevelImage RenderPoppler(TempDir dir, string pdf, int pageNumber, BilevelImage page)
    {
        string n = pageNumber.ToString(CultureInfo.InvariantCulture);
        byte[] pbm = ExternalTool.Run("pdftoppm", "-mono", "-f", n, "-l", n, "-rx", Dpi(page.XDpi), "-ry", Dpi(page.YDpi), pdf).Stdout;
        return Netpbm.ReadPbm(pbm);
    }

    internal static BilevelImage RenderGhostscript(TempDir dir, string pdf, int pageNumber, BilevelImage page)
    {
        string n = pageNumber.ToString(CultureInfo.InvariantCulture);
        string output = dir.File($"gs-{n}.pbm");
        ExternalTool.Run("gs", "-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=pbmraw", $"-r{Dpi(page.XDpi)}x{Dpi(page.YDpi)}",
            $"-dFirstPage={n}", $"-dLastPage={n}", "-sOutputFile=" + output, pdf);
        return Netpbm.ReadPbm(File.ReadAllBytes(output));
    }

    /// <summary>
    /// At the page's own resolution every image pixel maps to exactly one device pixel (the MediaBox is
    /// a hair under the exact size so no renderer adds a column or resamples), and a 1-bit image needs no smoothing: both renderers
    /// must give the source pixels exactly, with no tolerance.
    /// </summary>
    internal static void AssertRendersAs(BilevelImage expected, BilevelImage rendered, string tool)
    {
        Assert.Equal(expected.Width, rendered.Width);
        Assert.Equal(expected.Height, rendered.Height);
        int differences = TestPages.CountDifferences(expected, rendered);
        Assert.True(differences == 0, $"{tool}: {differences} pixels differ");
    }

    private static string Dpi(double dpi) => dpi.ToString("0.###", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"startxref\n(\d+)\n%%EOF")]
    private static partial Regex StartXref();
}
