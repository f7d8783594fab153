using FaxPost.Core.Jobs;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>
/// The real converter (Ghostscript + our T.6 encoder) behind Core's factory interface, for tests
/// until Core's ImagingFaxDocumentFactory is on main. Cover pages are not used by these tests.
/// </summary>
internal sealed class ConverterFactory : IFaxDocumentFactory
{
    private readonly DocumentConverter _converter = new(new ConverterSettings());

    public DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName) => DocumentConverter.Detect(head, fileName);

    public async Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> documents, ConversionOptions options, string outputPath, CancellationToken ct)
    {
        await using var output = new FileStream(outputPath, FileMode.Create, FileAccess.Write);
        return await _converter.ConvertAsync(documents, options, output, ct);
    }

    public Task<int> WithCoverPageAsync(CoverSheet cover, FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct) =>
        throw new NotSupportedException("The mail tests send without cover pages.");
}
