using FaxPost.Imaging.Png;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Web.Ui;

/// <summary>
/// Fax pages as PNG for the browser (thumbnails and the page viewer), drawn with Imaging's
/// area-averaging thumbnail renderer from the stored TIFF-F.
/// </summary>
internal static class FaxImages
{
    /// <summary>Thumbnails at most this wide are too small to read: lists show them without an audit entry.</summary>
    public const int ThumbnailWidth = 240;

    public const int ViewWidth = 1100;

    /// <summary>The widths a client may ask for (a fixed set, so nobody makes the server render odd sizes).</summary>
    public static int Width(int? asked) => asked is { } w && w <= ThumbnailWidth ? ThumbnailWidth : ViewWidth;

    /// <summary>Page <paramref name="page"/> (1-based) as a grey PNG <paramref name="width"/> pixels wide; null when there is no such page.</summary>
    public static async Task<byte[]?> PageAsync(Stream tiff, int page, int width, CancellationToken ct)
    {
        byte[] bytes;
        await using (tiff.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            await tiff.CopyToAsync(buffer, ct).ConfigureAwait(false);
            bytes = buffer.ToArray();
        }

        var document = TiffDocument.Read(bytes);
        if (page < 1 || page > document.Pages.Count)
        {
            return null;
        }

        var source = document.Pages[page - 1];
        var image = source.IsBilevel ? FaxThumbnail.Render(source.DecodeBilevel(), width) : FaxThumbnail.Render(source.DecodeGray(), width);
        return PngEncoder.Encode(image);
    }
}
