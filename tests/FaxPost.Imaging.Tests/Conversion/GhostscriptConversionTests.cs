using System.Diagnostics;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Raster;

namespace FaxPost.Imaging.Tests.Conversion;

public sealed class GhostscriptConversionTests : IDisposable
{
    private readonly TempFolder _dir = new();
    private readonly DocumentConverter _converter;

    public GhostscriptConversionTests()
    {
        _converter = new DocumentConverter(new ConverterSettings { TempDirectory = _dir.Path });
    }

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(FaxResolution.Standard, 1146)]
    [InlineData(FaxResolution.Fine, 2292)]
    [InlineData(FaxResolution.Superfine, 4573)]
    public async Task Pdf_pages_come_out_1728_wide_with_A4_rows(FaxResolution resolution, int rows)
    {
        string pdf = Ghostscript.MakePdf(_dir, "three.pdf", Ghostscript.NumberedPages(3));

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "three.pdf", pdf, new ConversionOptions { Resolution = resolution });

        Assert.Equal(3, pages.Count);
        Assert.Equal(rows, FaxPageFormat.Rows(PaperSize.A4, resolution));
        Assert.All(pages, p =>
        {
            Assert.Equal(1728, p.Width);
            Assert.Equal(rows, p.Height);
            Assert.Equal(resolution.ToRaster().YDpi, p.YDpi);
            Assert.True(Ghostscript.HasBlack(p));
        });

        // The 595 pt A4 paper is 1686 pixels at 204 dpi, centred: the outer 21 columns stay white.
        Assert.All(pages, p => Assert.DoesNotContain(Enumerable.Range(0, p.Height), y => p[0, y] || p[20, y] || p[1727, y]));
        Assert.NotEqual(pages[0].Pixels, pages[1].Pixels);
    }

    [Fact]
    public async Task Letter_paper_is_cropped_to_the_scan_line()
    {
        string pdf = Ghostscript.MakePdf(_dir, "one.pdf", Ghostscript.NumberedPages(1));

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "one.pdf", pdf, new ConversionOptions { Paper = PaperSize.Letter });

        BilevelImage page = Assert.Single(pages);
        Assert.Equal(1728, page.Width);
        Assert.Equal(2156, page.Height); // 792 pt at 196 dpi
    }

    [Fact]
    public async Task PostScript_is_rendered_directly()
    {
        string ps = _dir.Write("two.ps", Ghostscript.NumberedPages(2));

        List<BilevelImage> pages = await Ghostscript.RenderAll(_converter, "two.ps", ps);

        Assert.Equal(2, pages.Count);
        Assert.All(pages, p => Assert.True(Ghostscript.HasBlack(p)));
    }

    [Fact]
    public async Task Pdf_with_a_user_password_is_refused_as_password_protected()
    {
        string pdf = Ghostscript.MakePdf(_dir, "secret.pdf", Ghostscript.NumberedPages(1), "-sOwnerPassword=x", "-sUserPassword=y");

        DocumentConversionException e = await Ghostscript.Refused(_converter, "Secret report.pdf", pdf);

        Assert.Equal(ConversionFailure.PasswordProtected, e.Reason);
        Assert.Contains("password", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pdf_with_only_an_owner_password_opens_normally()
    {
        string pdf = Ghostscript.MakePdf(_dir, "owner.pdf", Ghostscript.NumberedPages(2), "-sOwnerPassword=x");

        Assert.Equal(2, (await Ghostscript.RenderAll(_converter, "owner.pdf", pdf)).Count);
    }

    [Fact]
    public async Task Truncated_pdf_is_broken()
    {
        string pdf = Ghostscript.MakePdf(_dir, "whole.pdf", Ghostscript.NumberedPages(3));
        byte[] bytes = File.ReadAllBytes(pdf);
        string cut = _dir.Write("cut.pdf", bytes[..(bytes.Length / 3)]);

        DocumentConversionException e = await Ghostscript.Refused(_converter, "cut.pdf", cut);

        Assert.Equal(ConversionFailure.Broken, e.Reason);
    }

    [Fact]
    public async Task Garbage_after_a_pdf_header_is_broken()
    {
        var rng = new Random(11);
        byte[] junk = new byte[5000];
        rng.NextBytes(junk);
        string path = _dir.Write("junk.pdf", [.. "%PDF-1.4\n"u8, .. junk]);

        Assert.Equal(ConversionFailure.Broken, (await Ghostscript.Refused(_converter, "junk.pdf", path)).Reason);
    }

    [Fact]
    public async Task Pdf_without_pages_is_empty()
    {
        // Catalog and an empty page tree, with a correct cross-reference table.
        var pdf = new System.Text.StringBuilder("%PDF-1.4\n");
        int catalog = pdf.Length;
        pdf.Append("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        int pages = pdf.Length;
        pdf.Append("2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n");
        int xref = pdf.Length;
        pdf.Append(FormattableString.Invariant($"xref\n0 3\n0000000000 65535 f \n{catalog:D10} 00000 n \n{pages:D10} 00000 n \n"));
        pdf.Append(FormattableString.Invariant($"trailer\n<< /Size 3 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"));
        string path = _dir.Write("nothing.pdf", pdf.ToString());

        Assert.Equal(ConversionFailure.Empty, (await Ghostscript.Refused(_converter, "nothing.pdf", path)).Reason);
    }

    [Fact]
    public async Task PostScript_with_an_error_is_broken_and_names_the_error()
    {
        string path = _dir.Write("bad.ps", "%!PS\n/Helvetica findfont 12 scalefont setfont 72 72 moveto (x) show nosuchoperator showpage\n");

        DocumentConversionException e = await Ghostscript.Refused(_converter, "bad.ps", path);

        Assert.Equal(ConversionFailure.Broken, e.Reason);
    }

    [Fact]
    public async Task Empty_file_zip_named_pdf_and_oversized_input_are_refused_before_rendering()
    {
        string empty = _dir.Write("empty.pdf", []);
        string zip = _dir.Write("letter.pdf", [0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x01, 0x02]);
        string pdf = Ghostscript.MakePdf(_dir, "big.pdf", Ghostscript.NumberedPages(1));

        Assert.Equal(ConversionFailure.Empty, (await Ghostscript.Refused(_converter, "empty.pdf", empty)).Reason);
        Assert.Equal(ConversionFailure.UnknownType, (await Ghostscript.Refused(_converter, "letter.pdf", zip)).Reason);
        Assert.Equal(ConversionFailure.TooLarge, (await Ghostscript.Refused(_converter, "big.pdf", pdf, new ConversionOptions { MaxInputBytes = 100 })).Reason);
    }

    [Fact]
    public async Task More_pages_than_allowed_is_refused()
    {
        string pdf = Ghostscript.MakePdf(_dir, "five.pdf", Ghostscript.NumberedPages(5));

        DocumentConversionException e = await Ghostscript.Refused(_converter, "five.pdf", pdf, new ConversionOptions { MaxPages = 3 });

        Assert.Equal(ConversionFailure.TooManyPages, e.Reason);
        Assert.Equal(3, (await Ghostscript.RenderAll(_converter, "five.pdf", pdf, new ConversionOptions { MaxPages = 5 })).Count - 2);
    }

    [Fact]
    public async Task Endless_PostScript_times_out_and_Ghostscript_is_killed()
    {
        string path = _dir.Write("loop.ps", "%!PS\n{ 1 pop } loop\n");

        DocumentConversionException e = await Ghostscript.Refused(_converter, "loop.ps", path, new ConversionOptions { Timeout = TimeSpan.FromSeconds(1) });

        Assert.Equal(ConversionFailure.TimedOut, e.Reason);
        Assert.False(GhostscriptStillRunningOn(path));
    }

    [Fact]
    public async Task Cancellation_stops_Ghostscript()
    {
        string path = _dir.Write("loop2.ps", "%!PS\n{ 1 pop } loop\n");
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (BilevelImage unused in _converter.RenderAsync(new SourceDocument("loop2.ps", path), new ConversionOptions(), cts.Token))
            {
            }
        });
        Assert.False(GhostscriptStillRunningOn(path));
    }

    [Fact]
    public async Task Missing_Ghostscript_is_reported_as_such()
    {
        var converter = new DocumentConverter(new ConverterSettings { GhostscriptPath = "/nonexistent/faxpost-gs" });
        string ps = _dir.Write("one.ps", Ghostscript.NumberedPages(1));

        Assert.Equal(ConversionFailure.ConverterMissing, (await Ghostscript.Refused(converter, "one.ps", ps)).Reason);
    }

    [Fact]
    public void Arguments_are_a_list_with_safer_and_a_page_limit()
    {
        IReadOnlyList<string> args = GhostscriptRunner.Arguments(new GhostscriptJob("x", "rel/in put.pdf", null, FaxResolution.Superfine, PaperSize.Legal, 7, TimeSpan.FromSeconds(1), false));

        Assert.Equal("-dSAFER", args[0]);
        Assert.Contains("-r204x391", args);
        Assert.Contains("-sPAPERSIZE=legal", args);
        Assert.Contains("-dLastPage=8", args);
        Assert.Equal(Path.GetFullPath("rel/in put.pdf"), args[^1]);
    }

    private static bool GhostscriptStillRunningOn(string path)
    {
        // Kill is synchronous, but give the kernel a moment to reap.
        for (int i = 0; i < 50; i++)
        {
            bool found = false;
            foreach (Process p in Process.GetProcessesByName("gs"))
            {
                using (p)
                {
                    try
                    {
                        string cmd = File.ReadAllText($"/proc/{p.Id}/cmdline");
                        found |= cmd.Contains(path, StringComparison.Ordinal) && !p.HasExited;
                    }
                    catch (IOException)
                    {
                    }
                }
            }

            if (!found)
            {
                return false;
            }

            Thread.Sleep(100);
        }

        return true;
    }
}
