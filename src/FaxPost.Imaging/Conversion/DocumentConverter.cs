using System.Runtime.CompilerServices;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Conversion;

/// <summary>
/// Turns users' documents into fax pages: PDF, PostScript, JPEG (wrapped in a PDF) and plain text
/// (as generated PostScript) through Ghostscript; PNG through our own decoder; TIFF through our own
/// reader. Pages come out 1728 pixels wide at the requested fax resolution.
/// </summary>
public sealed partial class DocumentConverter
{
    private const int HeadBytes = 4096;
    private readonly ConverterSettings _settings;
    private readonly GhostscriptRunner _gs;

    public DocumentConverter(ConverterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _gs = new GhostscriptRunner(settings);
    }

    /// <summary>
    /// Renders one document page by page, 1728 pixels wide at the resolution of <paramref name="o"/>;
    /// throws <see cref="DocumentConversionException"/> naming the file.
    /// </summary>
    public async IAsyncEnumerable<BilevelImage> RenderAsync(SourceDocument doc, ConversionOptions o, [EnumeratorCancellation] CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(doc);
        ArgumentNullException.ThrowIfNull(o);
        DocumentKind kind = Inspect(doc, o);
        int pages = 0;
        await foreach (BilevelImage page in RenderKindAsync(doc, kind, o, ct).ConfigureAwait(false))
        {
            // Ghostscript stops itself one page after the limit; image files are counted here.
            if (++pages > o.MaxPages)
            {
                throw ConversionError.Create(doc.FileName, ConversionFailure.TooManyPages, $"more than {o.MaxPages}");
            }

            yield return page;
        }
    }

    /// <summary>
    /// Converts the documents, in order, into one multi-page TIFF Class F file coded MMR (T.6), written to
    /// <paramref name="tiffOutput"/> (seekable; left open) page by page as pages are rendered. On failure
    /// the stream holds the pages written so far and should be discarded.
    /// </summary>
    public async Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> docs, ConversionOptions o, Stream tiffOutput, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tiffOutput);
        await using var writer = new TiffFaxWriter(tiffOutput, new TiffFaxWriterOptions
        {
            Coding = new FaxCodingOptions { Compression = FaxCompression.Mmr },
            LeaveOpen = true,
        });
        ConversionResult result = await ConvertAsync(docs, o, (page, t) => writer.AppendPageAsync(page, null, t), ct).ConfigureAwait(false);
        writer.Complete();
        return result;
    }

    /// <summary>
    /// Converts the documents in order into one multi-page fax, handing each page to <paramref name="appendPage"/>
    /// as soon as it is rendered. <see cref="ConversionOptions.MaxPages"/> limits the pages of all documents together.
    /// </summary>
    internal async Task<ConversionResult> ConvertAsync(
        IReadOnlyList<SourceDocument> docs, ConversionOptions o, Func<BilevelImage, CancellationToken, ValueTask> appendPage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(docs);
        ArgumentNullException.ThrowIfNull(o);
        var converted = new List<ConvertedDocument>(docs.Count);
        int total = 0;
        foreach (SourceDocument doc in docs)
        {
            DocumentKind kind = Inspect(doc, o);
            ConversionOptions remaining = o with { MaxPages = o.MaxPages - total };
            int pages = 0;
            try
            {
                await foreach (BilevelImage page in RenderAsync(doc, remaining, ct).ConfigureAwait(false))
                {
                    await appendPage(page, ct).ConfigureAwait(false);
                    pages++;
                }
            }
            catch (DocumentConversionException e) when (e.Reason == ConversionFailure.TooManyPages && total > 0)
            {
                throw ConversionError.Create(doc.FileName, ConversionFailure.TooManyPages, $"with the documents before it, more than {o.MaxPages} pages", e);
            }

            total += pages;
            converted.Add(new ConvertedDocument(doc.FileName, kind, pages));
        }

        return new ConversionResult(total, converted);
    }

    private async IAsyncEnumerable<BilevelImage> RenderKindAsync(SourceDocument doc, DocumentKind kind, ConversionOptions o, [EnumeratorCancellation] CancellationToken ct)
    {
        switch (kind)
        {
            case DocumentKind.Pdf:
            case DocumentKind.PostScript:
                var job = new GhostscriptJob(doc.FileName, doc.Path, null, o.Resolution, o.Paper, o.MaxPages, o.Timeout,
                    MayBeEncrypted: kind == DocumentKind.Pdf && PdfInspector.HasEncryptDictionary(doc.Path));
                await foreach (BilevelImage page in _gs.RenderAsync(job, ct).ConfigureAwait(false))
                {
                    yield return FaxPageFitter.FitRendered(page);
                }

                break;

            case DocumentKind.Text:
                byte[] ps = TextToPostScript(doc, o);
                await foreach (BilevelImage page in _gs.RenderAsync(new GhostscriptJob(doc.FileName, null, ps, o.Resolution, o.Paper, o.MaxPages, o.Timeout, false), ct).ConfigureAwait(false))
                {
                    yield return FaxPageFitter.FitRendered(page);
                }

                break;

            case DocumentKind.Jpeg:
                string pdfPath = await WrapJpegAsync(doc, ct).ConfigureAwait(false);
                try
                {
                    var jpegJob = new GhostscriptJob(doc.FileName, pdfPath, null, o.Resolution, o.Paper, 1, o.Timeout, false);
                    await foreach (BilevelImage page in _gs.RenderAsync(jpegJob, ct).ConfigureAwait(false))
                    {
                        yield return FaxPageFitter.FitRendered(page);
                    }
                }
                finally
                {
                    File.Delete(pdfPath);
                }

                break;

            case DocumentKind.Png:
                byte[] png = await File.ReadAllBytesAsync(doc.Path, ct).ConfigureAwait(false);
                yield return FaxPageFitter.FitGray(DecodePng(doc, png), o.Resolution, o.Paper);
                break;

            case DocumentKind.Tiff:
                await foreach (BilevelImage page in RenderTiffAsync(doc, o, ct).ConfigureAwait(false))
                {
                    yield return page;
                }

                break;
        }
    }

    /// <summary>Size, emptiness and type checks before any work.</summary>
    private static DocumentKind Inspect(SourceDocument doc, ConversionOptions o)
    {
        long length;
        byte[] head;
        try
        {
            using var file = new FileStream(doc.Path, FileMode.Open, FileAccess.Read, FileShare.Read);
            length = file.Length;
            head = new byte[(int)Math.Min(HeadBytes, length)];
            file.ReadExactly(head);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Broken, "it cannot be read", e);
        }

        if (length == 0)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Empty);
        }

        if (length > o.MaxInputBytes)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.TooLarge, $"{length / (1024 * 1024.0):0.#} MiB, at most {o.MaxInputBytes / (1024 * 1024.0):0.#} MiB");
        }

        return Detect(head, doc.FileName) ?? throw ConversionError.Create(doc.FileName, ConversionFailure.UnknownType);
    }

    private static byte[] TextToPostScript(SourceDocument doc, ConversionOptions o)
    {
        byte[] text = File.ReadAllBytes(doc.Path);
        List<List<string>> pages = PlainTextLayout.Paginate(text, TextPostScript.Columns(o.Paper), TextPostScript.LinesPerPage(o.Paper));
        if (PlainTextLayout.IsBlank(pages))
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Empty, "it contains only blank space");
        }

        if (pages.Count > o.MaxPages)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.TooManyPages, $"{pages.Count} pages, at most {o.MaxPages}");
        }

        return TextPostScript.Generate(pages, o.Paper);
    }

    private async Task<string> WrapJpegAsync(SourceDocument doc, CancellationToken ct)
    {
        byte[] jpeg = await File.ReadAllBytesAsync(doc.Path, ct).ConfigureAwait(false);
        byte[] pdf;
        try
        {
            pdf = JpegPdfWrapper.Wrap(jpeg);
        }
        catch (ImageFormatException e)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Broken, e.Message, e);
        }

        Directory.CreateDirectory(_settings.TempDirectory);
        string path = Path.Combine(_settings.TempDirectory, $"faxpost-jpeg-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(path, pdf, ct).ConfigureAwait(false);
        return path;
    }

    private GrayImage DecodePng(SourceDocument doc, byte[] png)
    {
        try
        {
            return PngDecoder.DecodeGray(png, _settings.MaxImagePixels);
        }
        catch (ImageFormatException e)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Broken, e.Message, e);
        }
    }
}
