using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class ConvertTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly DocumentConverter _converter;

    public ConvertTests()
    {
        _converter = new DocumentConverter(new ConverterSettings { TempDirectory = _dir.Path });
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Documents_are_converted_in_order_and_counted()
    {
        string pdf = Ghostscript.MakePdf(_dir, "three.pdf", Ghostscript.NumberedPages(3));
        string txt = _dir.Write("note.txt", "ONE LINE\n");
        var pages = new List<BilevelImage>();

        ConversionResult result = await _converter.ConvertAsync(
            [new SourceDocument("Report.pdf", pdf), new SourceDocument("Note.txt", txt)],
            new ConversionOptions { Resolution = FaxResolution.Standard },
            (page, _) =>
            {
                pages.Add(page);
                return ValueTask.CompletedTask;
            },
            CancellationToken.None);

        Assert.Equal(4, result.PageCount);
        Assert.Equal([new ConvertedDocument("Report.pdf", DocumentKind.Pdf, 3), new ConvertedDocument("Note.txt", DocumentKind.Text, 1)], result.Documents);
        Assert.Equal(4, pages.Count);
        Assert.All(pages, p => Assert.Equal((1728, 1146, 98.0), (p.Width, p.Height, p.YDpi)));
        Assert.Equal(1, Ghostscript.CountBands(pages[3]));
    }

    [Fact]
    public async Task The_page_limit_counts_all_documents_together()
    {
        string pdf = Ghostscript.MakePdf(_dir, "three.pdf", Ghostscript.NumberedPages(3));
        string txt = _dir.Write("note.txt", "ONE\fTWO\n");

        DocumentConversionException e = await Assert.ThrowsAsync<DocumentConversionException>(() => _converter.ConvertAsync(
            [new SourceDocument("Report.pdf", pdf), new SourceDocument("Note.txt", txt)],
            new ConversionOptions { MaxPages = 4 },
            (_, _) => ValueTask.CompletedTask,
            CancellationToken.None));

        Assert.Equal(ConversionFailure.TooManyPages, e.Reason);
        Assert.Equal("Note.txt", e.FileName);
        Assert.Contains("more than 4 pages", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Documents_become_one_MMR_coded_TIFF_F_file_with_the_rendered_pages()
    {
        string pdf = Ghostscript.MakePdf(_dir, "two.pdf", Ghostscript.NumberedPages(2));
        string txt = _dir.Write("note.txt", "HELLO\n");
        var samples = new int[20, 30, 1];
        string png = _dir.Write("dot.png", TestPngEncoder.Encode(30, 20, 0, 8, samples));
        SourceDocument[] docs = [new("Two.pdf", pdf), new("Note.txt", txt), new("Dot.png", png)];
        var options = new ConversionOptions { Resolution = FaxResolution.Fine };

        string tiffPath = _dir.PathOf("out.tif");
        ConversionResult result;
        await using (var output = new FileStream(tiffPath, FileMode.Create, FileAccess.ReadWrite))
        {
            result = await _converter.ConvertAsync(docs, options, output, CancellationToken.None);
        }

        Assert.Equal(4, result.PageCount);
        Assert.Equal([DocumentKind.Pdf, DocumentKind.Text, DocumentKind.Png], result.Documents.Select(d => d.Kind));

        var expected = new List<BilevelImage>();
        foreach (SourceDocument doc in docs)
        {
            expected.AddRange(await Ghostscript.RenderAll(_converter, doc.FileName, doc.Path, options));
        }

        FaxPost.Imaging.Tiff.TiffDocument tiff = FaxPost.Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(tiffPath));
        Assert.Equal(4, tiff.Pages.Count);
        for (int i = 0; i < 4; i++)
        {
            FaxPost.Imaging.Tiff.TiffPage page = tiff.Pages[i];
            Assert.Equal(FaxPost.Imaging.Tiff.TiffCompression.CcittT6, page.Compression);
            Assert.Equal((1728, 2292), (page.Width, page.Height));
            Assert.Equal(expected[i].Pixels, page.DecodeBilevel().Pixels); // MMR is lossless
        }

        // libtiff agrees: four Group 4 pages.
        string info = RunTiffInfo(tiffPath);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Count(info, "Compression Scheme: CCITT Group 4"));
    }

    [Theory]
    [InlineData("tiffg3")]
    [InlineData("tiffg4")]
    public async Task Fax_coded_tiff_input_converts(string device)
    {
        string ps = _dir.Write("in.ps", Ghostscript.NumberedPages(2));
        string tif = _dir.PathOf("in.tif");
        Ghostscript.Run("-q", "-dSAFER", "-dBATCH", "-dNOPAUSE", "-sDEVICE=" + device, "-r204x98", "-sPAPERSIZE=a4", "-dFIXEDMEDIA", "-sOutputFile=" + tif, ps);

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "in.tif", tif);

        Assert.Equal(2, pages.Count);
        Assert.All(pages, p =>
        {
            Assert.Equal((1728, 2292), (p.Width, p.Height)); // 98 -> 196 lpi
            Assert.True(Ghostscript.HasBlack(p));
        });
    }

    private static string RunTiffInfo(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("tiffinfo") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(path);
        try
        {
            using System.Diagnostics.Process p = System.Diagnostics.Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.StandardError.ReadToEnd();
            p.WaitForExit();
            return output;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("This test needs tiffinfo: apt-get install libtiff-tools (scripts/lib/deps.sh install_test_deps).", e);
        }
    }
}
