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
}
