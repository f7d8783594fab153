using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Pdf;
using FaxPost.Imaging.Png;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Gateways.Mail;

/// <summary>Fax pages (TIFF-F files) as mail attachments: PDF, and a PNG of the first page for HTML bodies.</summary>
public interface IFaxPageRenderer
{
    /// <summary>The pages as a PDF; throws when the file is not a fax TIFF.</summary>
    byte[] ToPdf(string tiffPath);

    /// <summary>A PNG preview of the first page, or null when the page cannot be decoded.</summary>
    byte[]? FirstPagePng(string tiffPath, int width);
}

/// <summary>The renderer on FaxPost.Imaging: the fax PDF writer (CCITT data passed through) and fax thumbnails.</summary>
public sealed class FaxPageRenderer : IFaxPageRenderer
{
    public byte[] ToPdf(string tiffPath) => FaxPdfWriter.FromTiff(File.ReadAllBytes(tiffPath));

    public byte[]? FirstPagePng(string tiffPath, int width)
    {
        try
        {
            return FaxThumbnail.RenderPng(TiffDocument.Read(File.ReadAllBytes(tiffPath)), width);
        }
        catch (Exception e) when (e is TiffFormatException or FaxCodecException or NotSupportedException or ArgumentException or InvalidOperationException or IOException)
        {
            // No preview is better than no mail.
            return null;
        }
    }
}
