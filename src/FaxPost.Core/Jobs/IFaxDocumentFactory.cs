using FaxPost.Imaging.Conversion;

namespace FaxPost.Core.Jobs;

/// <summary>Cover sheet fields (the converter renders them as the first page).</summary>
public sealed record CoverSheet(string? ToName, string? ToCompany, string ToNumber, string? FromName, string? FromNumber, string? FromFaxId, string? Subject, string? Note, int Pages, DateTimeOffset Date)
{
    /// <summary>
    /// The cover sheet of a fax from <paramref name="from"/>: what the conversion worker puts in front of a job
    /// and the send page's preview shows. <paramref name="bodyPages"/> excludes the cover; the sheet counts it.
    /// </summary>
    public static CoverSheet Of(string? toName, string? toCompany, string toNumber, Accounts.Mailbox? from, string? subject, string? note, int bodyPages, DateTimeOffset date) =>
        new(toName, toCompany, toNumber, from?.Name, null, from?.OutgoingFaxId, subject, note, bodyPages + 1, date);
}

/// <summary>
/// Turns stored originals into the TIFF-F a line sends. The production implementation renders with
/// Ghostscript and encodes with our own codecs (<see cref="ImagingFaxDocumentFactory"/>).
/// </summary>
public interface IFaxDocumentFactory
{
    /// <summary>The kind of document by its first bytes, or null when we cannot fax it.</summary>
    DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName);

    /// <summary>Converts the documents, in order, into one TIFF-F file. Throws DocumentConversionException naming the file.</summary>
    Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> documents, ConversionOptions options, string outputPath, CancellationToken ct);

    /// <summary>Writes a copy of <paramref name="bodyPath"/> with a cover page in front; returns the new page count.</summary>
    Task<int> WithCoverPageAsync(CoverSheet cover, FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct);
}
