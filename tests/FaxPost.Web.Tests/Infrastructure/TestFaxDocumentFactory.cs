using FaxPost.Core.Jobs;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>
/// The document factory for API tests: detection is the real converter's (by content); conversion
/// writes a real TIFF-F with one plain page per document instead of rendering, so API tests need no
/// Ghostscript. A document containing "UNCONVERTIBLE" fails the way a broken PDF does, so the API's
/// handling of a conversion error can be checked.
/// </summary>
internal sealed class TestFaxDocumentFactory : IFaxDocumentFactory
{
    public DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName) => DocumentConverter.Detect(head, fileName);

    public async Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> documents, ConversionOptions options, string outputPath, CancellationToken ct)
    {
        var converted = new List<ConvertedDocument>();
        foreach (var document in documents)
        {
            string text = await File.ReadAllTextAsync(document.Path, ct);
            if (text.Contains("UNCONVERTIBLE", StringComparison.Ordinal))
            {
                throw new DocumentConversionException(document.FileName, ConversionFailure.Broken, $"{document.FileName}: the file is damaged and cannot be read");
            }

            var kind = DocumentConverter.Detect(File.ReadAllBytes(document.Path).AsSpan(0, Math.Min(4096, (int)new FileInfo(document.Path).Length)), document.FileName)
                ?? throw new DocumentConversionException(document.FileName, ConversionFailure.UnknownType, $"{document.FileName}: unknown type");
            converted.Add(new ConvertedDocument(document.FileName, kind, 1));
        }

        await File.WriteAllBytesAsync(outputPath, TestTiff.Pages(converted.Count), ct);
        return new ConversionResult(converted.Count, converted);
    }

    public async Task<int> WithCoverPageAsync(CoverSheet cover, FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct)
    {
        await File.WriteAllBytesAsync(outputPath, TestTiff.Pages(cover.Pages), ct);
        return cover.Pages;
    }
}
