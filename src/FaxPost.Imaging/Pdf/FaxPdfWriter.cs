using System.Globalization;
using System.Text;
using FaxPost.Imaging.Codecs;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Imaging.Pdf;

/// <summary>
/// Writes fax pages into a PDF without decoding them: each page's T.4/T.6 data becomes an image
/// XObject with /Filter /CCITTFaxDecode (ISO 32000-1 §7.4.6), drawn over a page whose MediaBox is
/// the fax page's physical size. Pages are written as they come, so any number fits in little memory.
/// </summary>
public static class FaxPdfWriter
{
    private const int FirstPageObject = 4; // 1 catalog, 2 page tree, 3 info

    /// <summary>Converts a TIFF (Class F or any file of CCITT-coded pages) to PDF, re-coding only pages that need it.</summary>
    public static void WriteTiff(ReadOnlyMemory<byte> tiff, Stream output, TiffReadOptions? options = null)
    {
        TiffDocument document = TiffDocument.Read(tiff, options);
        Write(document.Pages.Select(p => p.ToEncodedFaxPage()), output);
    }

    /// <summary>Reads a TIFF from <paramref name="tiff"/> (within the read limits) and writes it as PDF.</summary>
    public static void WriteTiff(Stream tiff, Stream output, TiffReadOptions? options = null)
    {
        TiffDocument document = TiffDocument.Read(tiff, options);
        Write(document.Pages.Select(p => p.ToEncodedFaxPage()), output);
    }

    public static byte[] FromTiff(ReadOnlyMemory<byte> tiff, TiffReadOptions? options = null)
    {
        using var output = new MemoryStream();
        WriteTiff(tiff, output, options);
        return output.ToArray();
    }

    /// <summary>Writes <paramref name="pages"/> as a PDF document to <paramref name="output"/>.</summary>
    public static void Write(IEnumerable<EncodedFaxPage> pages, Stream output)
    {
        ArgumentNullException.ThrowIfNull(pages);
        ArgumentNullException.ThrowIfNull(output);
        var pdf = new PdfObjectStream(output);
        // ISO 32000-1 §7.5.2: header, then a comment of bytes >= 128 so tools treat the file as binary.
        pdf.Raw("%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n");
        pdf.Object(1, "<< /Type /Catalog /Pages 2 0 R >>");
        pdf.Object(3, "<< /Producer (FaxPost) >>");

        var kids = new StringBuilder();
        int count = 0;
        foreach (EncodedFaxPage page in pages)
        {
            int pageObject = FirstPageObject + (3 * count);
            WritePage(pdf, page, pageObject);
            kids.Append(CultureInfo.InvariantCulture, $"{pageObject} 0 R ");
            count++;
        }

        if (count == 0)
        {
            throw new ArgumentException("A PDF needs at least one page.", nameof(pages));
        }

        pdf.Object(2, $"<< /Type /Pages /Kids [ {kids}] /Count {count} >>");
        pdf.Finish(rootObject: 1, infoObject: 3);
    }

    private static void WritePage(PdfObjectStream pdf, EncodedFaxPage page, int pageObject)
    {
        if (page.Width <= 0 || page.Height <= 0)
        {
            throw new ArgumentException($"Page of {page.Width} x {page.Height} pixels.", nameof(page));
        }

        double xDpi = page.XDpi > 0 ? page.XDpi : 204, yDpi = page.YDpi > 0 ? page.YDpi : 196;
        string w = Number(page.Width * 72.0 / xDpi), h = Number(page.Height * 72.0 / yDpi);
        pdf.Object(pageObject,
            $"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] /Resources << /XObject << /Im0 {pageObject + 2} 0 R >> >> /Contents {pageObject + 1} 0 R >>");
        pdf.Stream(pageObject + 1, "", Encoding.ASCII.GetBytes($"q {w} 0 0 {h} 0 0 cm /Im0 Do Q\n"));

        FaxCodingOptions coding = page.Coding;
        // ISO 32000-1 Table 11: K < 0 pure 2-D (T.6), K = 0 pure 1-D (MH), K > 0 mixed (MR).
        int k = coding.Compression switch
        {
            FaxCompression.Mmr => -1,
            FaxCompression.Mh => 0,
            _ => Math.Max(1, coding.K),
        };
        // TIFF's byte-aligned EOL (fill bits so each EOL ends on a byte) is PDF's EncodedByteAlign with
        // EndOfLine true; without EndOfLine Ghostscript aligns the wrong place (checked by the tests).
        // TIFF Compression 2 (rows on byte boundaries, no EOLs) is EncodedByteAlign alone.
        bool eol = k >= 0 && coding.EolBeforeEachRow;
        bool byteAlign = (eol && coding.ByteAlignedEol) || (!eol && coding.ByteAlignRows);
        string align = (eol ? " /EndOfLine true" : "") + (byteAlign ? " /EncodedByteAlign true" : "");
        string parms = $"<< /K {k} /Columns {page.Width} /Rows {page.Height} /BlackIs1 false{align} >>";
        string dict = $"/Type /XObject /Subtype /Image /Width {page.Width} /Height {page.Height} /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms {parms}";

        ReadOnlySpan<byte> data = page.Data.Span;
        if (coding.LsbFirst)
        {
            // The PDF filter reads bits most significant first; FillOrder 2 data is reversed byte by byte.
            byte[] reversed = new byte[data.Length];
            BitOrder.ReverseCopy(data, reversed);
            pdf.Stream(pageObject + 2, dict, reversed);
        }
        else
        {
            pdf.Stream(pageObject + 2, dict, data);
        }
    }

    // Always a hair (under 0.0001 pt) below the exact size: a page exactly 1078 rows high at 98 lpi
    // otherwise makes poppler resample the image by a fraction of a row, and a size a hair above adds
    // a pixel column; just below, each image pixel lands on one device pixel (the tests check this).
    private static string Number(double value) => (Math.Floor((value * 10000) - 0.5) / 10000).ToString("0.####", CultureInfo.InvariantCulture);
}
