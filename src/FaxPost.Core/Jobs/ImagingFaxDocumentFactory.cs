using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Conversion;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Core.Jobs;

/// <summary>
/// The production document factory: Ghostscript renders PDF/PostScript/text, our own decoders read
/// PNG and TIFF, and our own T.6 encoder writes the TIFF-F (MMR) that lines send (issue 3 item 7: one
/// implementation of the codecs, used here and by the fax protocol).
/// </summary>
public sealed class ImagingFaxDocumentFactory(ConverterSettings settings) : IFaxDocumentFactory
{
    private readonly DocumentConverter _converter = new(settings);
    private readonly CoverPageRenderer _covers = new(settings);

    public ImagingFaxDocumentFactory()
        : this(new ConverterSettings())
    {
    }

    public DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName) => DocumentConverter.Detect(head, fileName);

    public async Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> documents, ConversionOptions options, string outputPath, CancellationToken ct)
    {
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        var result = await _converter.ConvertAsync(documents, options, output, ct).ConfigureAwait(false);
        output.Flush(flushToDisk: true);
        return result;
    }

    public async Task<int> WithCoverPageAsync(CoverSheet cover, FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct)
    {
        var page = await _covers.RenderAsync(
            new CoverPage
            {
                ToName = cover.ToName,
                ToCompany = cover.ToCompany,
                ToNumber = cover.ToNumber,
                FromName = cover.FromName,
                FromNumber = cover.FromNumber,
                FromFaxId = cover.FromFaxId,
                Subject = cover.Subject,
                Note = cover.Note,
                PageCount = cover.Pages,
                Date = cover.Date,
            },
            resolution,
            PaperSize.A4,
            ct).ConfigureAwait(false);
        byte[] body = await File.ReadAllBytesAsync(bodyPath, ct).ConfigureAwait(false);
        var document = TiffDocument.Read(body);
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await using (var writer = new TiffFaxWriter(output, new TiffFaxWriterOptions { Coding = new FaxCodingOptions { Compression = FaxCompression.Mmr }, LeaveOpen = true }))
        {
            await writer.AppendPageAsync(page, cancellationToken: ct).ConfigureAwait(false);

            // The body's pages are already MMR: copied as they are, not re-coded.
            foreach (var bodyPage in document.Pages)
            {
                await writer.AppendEncodedPageAsync(bodyPage.ToEncodedFaxPage(), ct).ConfigureAwait(false);
            }

            writer.Complete();
        }

        output.Flush(flushToDisk: true);
        return document.Pages.Count + 1;
    }
}
