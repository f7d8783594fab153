using System.Globalization;
using System.IO.Compression;
using System.Text;
using FaxPost.Imaging.Tiff;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Wraps the pages of a fax TIFF in a PDF for mail attachments. CCITT strips (MH, T.4, T.6) go in
/// unchanged behind the CCITTFaxDecode filter (PDF 1.7 §7.4.6), one image per strip so each strip's
/// own coding starts afresh; other bilevel compressions are decoded and stored Flate-compressed.
/// Page size follows the fax resolution, so a page prints at its real size. Used until the Imaging
/// PDF writer is on main; the mail code only sees <see cref="IFaxPageRenderer"/>.
/// </summary>
internal static class FaxPdf
{
    public static byte[] FromTiff(TiffDocument tiff)
    {
        if (tiff.Pages.Count == 0)
        {
            throw new TiffFormatException("The fax has no pages.");
        }

        var pdf = new Writer();
        int catalog = pdf.Reserve();
        int pagesRoot = pdf.Reserve();
        var pageIds = new List<int>();
        foreach (var page in tiff.Pages)
        {
            pageIds.Add(WritePage(pdf, page, pagesRoot));
        }

        pdf.Object(pagesRoot, $"<< /Type /Pages /Count {pageIds.Count} /Kids [{string.Join(' ', pageIds.Select(id => $"{id} 0 R"))}] >>");
        pdf.Object(catalog, $"<< /Type /Catalog /Pages {pagesRoot} 0 R >>");
        return pdf.Finish(catalog);
    }

    private static int WritePage(Writer pdf, TiffPage page, int parent)
    {
        if (!page.IsBilevel)
        {
            throw new TiffFormatException($"Page {page.Index + 1} is not black and white; fax pages are.");
        }

        double xDpi = page.XDpi > 0 ? page.XDpi : 204, yDpi = page.YDpi > 0 ? page.YDpi : 196;
        double width = page.Width * 72.0 / xDpi, height = page.Height * 72.0 / yDpi;
        var content = new StringBuilder();
        var images = new List<(string Name, int Id)>();
        bool ccitt = page.Compression is TiffCompression.CcittRle or TiffCompression.CcittT4 or TiffCompression.CcittT6;
        if (ccitt && !page.IsTiled)
        {
            int top = 0;
            for (int s = 0; s < page.StripCount; s++)
            {
                int rows = page.RowsInStrip(s);
                if (rows <= 0)
                {
                    break;
                }

                byte[] data = page.GetStrip(s).ToArray();
                if (page.FillOrder == 2)
                {
                    ReverseBits(data);
                }

                int id = pdf.Stream(ImageDictionary(page.Width, rows, CcittFilter(page, rows)), data);
                images.Add(($"/I{s}", id));
                Place(content, $"/I{s}", width, rows * 72.0 / yDpi, height - ((top + rows) * 72.0 / yDpi));
                top += rows;
            }
        }
        else
        {
            var bits = page.DecodeBilevel(); // 1 = black (BilevelImage convention)
            using var packed = new MemoryStream();
            using (var z = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true))
            {
                z.Write(bits.Pixels);
            }

            int id = pdf.Stream(ImageDictionary(bits.Width, bits.Height, "/Filter /FlateDecode /Decode [1 0]"), packed.ToArray());
            images.Add(("/I0", id));
            Place(content, "/I0", width, height, 0);
        }

        int contentId = pdf.Stream("", Encoding.ASCII.GetBytes(content.ToString()));
        string xobjects = string.Join(' ', images.Select(i => $"{i.Name} {i.Id} 0 R"));
        return pdf.Add($"<< /Type /Page /Parent {parent} 0 R /MediaBox [0 0 {F(width)} {F(height)}] /Resources << /XObject << {xobjects} >> >> /Contents {contentId} 0 R >>");
    }

    /// <summary>PDF 1.7 Table 11: K &lt; 0 is T.6, 0 is 1-D, &gt; 0 mixed 1-D/2-D (T.4 2-D).</summary>
    private static string CcittFilter(TiffPage page, int rows)
    {
        int k = page.Compression switch
        {
            TiffCompression.CcittT6 => -1,
            TiffCompression.CcittT4 when (page.T4Options & 1) != 0 => 1,
            _ => 0,
        };

        // TIFF 6.0 §10: MH ("CCITT RLE") rows are byte-aligned without EOLs; T.4 with fill bits (T4Options bit 2) aligns EOLs.
        bool byteAlign = page.Compression == TiffCompression.CcittRle || (page.Compression == TiffCompression.CcittT4 && (page.T4Options & 4) != 0);
        bool endOfLine = page.Compression == TiffCompression.CcittT4;
        string decode = page.Photometric == TiffPhotometric.BlackIsZero ? " /Decode [1 0]" : "";
        return $"/Filter /CCITTFaxDecode /DecodeParms << /K {k} /Columns {page.Width} /Rows {rows} /EncodedByteAlign {B(byteAlign)} /EndOfLine {B(endOfLine)} /BlackIs1 false >>{decode}";
    }

    private static string ImageDictionary(int width, int height, string filter) =>
        $"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 1 {filter}";

    private static void Place(StringBuilder content, string name, double width, double height, double y) =>
        content.Append(CultureInfo.InvariantCulture, $"q {F(width)} 0 0 {F(height)} 0 {F(y)} cm {name} Do Q\n");

    private static void ReverseBits(byte[] data)
    {
        for (int i = 0; i < data.Length; i++)
        {
            byte b = data[i];
            b = (byte)(((b & 0xF0) >> 4) | ((b & 0x0F) << 4));
            b = (byte)(((b & 0xCC) >> 2) | ((b & 0x33) << 2));
            data[i] = (byte)(((b & 0xAA) >> 1) | ((b & 0x55) << 1));
        }
    }

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    private static string B(bool v) => v ? "true" : "false";

    /// <summary>Objects with a cross-reference table (PDF 1.7 §7.5.4).</summary>
    private sealed class Writer
    {
        private readonly MemoryStream _out = new();
        private readonly List<long> _offsets = [0];

        public Writer() => Write("%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n");

        public int Reserve()
        {
            _offsets.Add(-1);
            return _offsets.Count - 1;
        }

        public int Add(string dictionary)
        {
            int id = Reserve();
            Object(id, dictionary);
            return id;
        }

        public void Object(int id, string body)
        {
            _offsets[id] = _out.Position;
            Write($"{id} 0 obj\n{body}\nendobj\n");
        }

        public int Stream(string dictionary, byte[] data)
        {
            int id = Reserve();
            _offsets[id] = _out.Position;
            Write($"{id} 0 obj\n<< {dictionary} /Length {data.Length} >>\nstream\n");
            _out.Write(data);
            Write("\nendstream\nendobj\n");
            return id;
        }

        public byte[] Finish(int root)
        {
            long xref = _out.Position;
            var sb = new StringBuilder();
            sb.Append(CultureInfo.InvariantCulture, $"xref\n0 {_offsets.Count}\n0000000000 65535 f \n");
            for (int i = 1; i < _offsets.Count; i++)
            {
                sb.Append(CultureInfo.InvariantCulture, $"{_offsets[i]:D10} 00000 n \n");
            }

            sb.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size {_offsets.Count} /Root {root} 0 R >>\nstartxref\n{xref}\n%%EOF\n");
            Write(sb.ToString());
            return _out.ToArray();
        }

        private void Write(string s) => _out.Write(Encoding.Latin1.GetBytes(s));
    }
}
