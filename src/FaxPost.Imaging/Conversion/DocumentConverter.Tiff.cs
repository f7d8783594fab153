using System.Runtime.CompilerServices;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Raster;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Conversion;

public sealed partial class DocumentConverter
{
    /// <summary>
    /// TIFF pages through our reader: bilevel pages keep their bits (resolution and width adapted,
    /// long pages split), grey and colour pages are fitted to the page and dithered.
    /// </summary>
    private async IAsyncEnumerable<BilevelImage> RenderTiffAsync(SourceDocument doc, ConversionOptions o, [EnumeratorCancellation] CancellationToken ct)
    {
        byte[] data = await File.ReadAllBytesAsync(doc.Path, ct).ConfigureAwait(false);
        TiffDocument tiff = ReadTiff(doc, data);
        if (tiff.Pages.Count > o.MaxPages)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.TooManyPages, $"{tiff.Pages.Count} pages, at most {o.MaxPages}");
        }

        foreach (TiffPage page in tiff.Pages)
        {
            ct.ThrowIfCancellationRequested();
            foreach (BilevelImage fax in DecodeTiffPage(doc, page, o))
            {
                yield return fax;
            }
        }
    }

    private TiffDocument ReadTiff(SourceDocument doc, byte[] data)
    {
        try
        {
            TiffDocument tiff = TiffDocument.Read(data, new TiffReadOptions { MaxBytesPerPage = Math.Min(_settings.MaxImagePixels, int.MaxValue / 2) });
            return tiff.Pages.Count > 0 ? tiff : throw ConversionError.Create(doc.FileName, ConversionFailure.Empty, "it has no pages");
        }
        catch (TiffFormatException e)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Broken, e.Message, e);
        }
    }

    private static IReadOnlyList<BilevelImage> DecodeTiffPage(SourceDocument doc, TiffPage page, ConversionOptions o)
    {
        try
        {
            return page.IsBilevel
                ? FaxPageFitter.FitBilevel(page.DecodeBilevel(), o.Resolution, o.Paper)
                : [FaxPageFitter.FitGray(page.DecodeGray(), o.Resolution, o.Paper)];
        }
        catch (Exception e) when (e is TiffFormatException or FaxCodecException)
        {
            throw ConversionError.Create(doc.FileName, ConversionFailure.Broken, e.Message, e);
        }
    }
}
