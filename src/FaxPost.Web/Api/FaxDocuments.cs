using FaxPost.Core;
using FaxPost.Imaging.Pdf;
using FaxPost.Imaging.Tiff;
using Microsoft.AspNetCore.Http;

namespace FaxPost.Web.Api;

/// <summary>Fax pages for download: the stored TIFF-F as it is, or the same pages in a PDF.</summary>
internal static class FaxDocuments
{
    public static bool WantsPdf(string? format) => (format ?? "tiff").Trim().ToLowerInvariant() switch
    {
        "tiff" or "tif" => false,
        "pdf" => true,
        _ => throw new ValidationException($"format: '{format}' is not tiff or pdf."),
    };

    /// <summary>Wraps the pages in a PDF without decoding them (CCITTFaxDecode images, see FaxPdfWriter).</summary>
    public static async Task<IResult> PdfAsync(Stream tiff, string fileName, CancellationToken ct)
    {
        byte[] bytes;
        await using (tiff.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await tiff.CopyToAsync(buffer, ct).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        byte[] pdf;
        try
        {
            pdf = FaxPdfWriter.FromTiff(bytes);
        }
        catch (TiffFormatException e)
        {
            throw new DamagedDocumentException($"The stored pages cannot be read, so no PDF can be made: {e.Message}", e);
        }

        return Results.File(pdf, "application/pdf", fileName);
    }
}

/// <summary>A stored document is damaged (a server-side fault, but one worth naming).</summary>
internal sealed class DamagedDocumentException(string message, Exception inner) : Exception(message, inner);
