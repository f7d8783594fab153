using System.Globalization;
using System.Text;

namespace FaxPost.Imaging.Conversion;

/// <summary>What a JPEG's frame header (SOF, T.81 §B.2.2) and density (JFIF APP0) say.</summary>
internal readonly record struct JpegInfo(int Width, int Height, int Components, bool AdobeInverted, double XDpi, double YDpi);

/// <summary>
/// Wraps a JPEG unchanged in a one-page PDF (an image XObject with /DCTDecode, PDF 1.7 §7.4.8) so that
/// Ghostscript renders it through the same PDF path as user PDFs. Chosen over Ghostscript's viewjpeg.ps
/// because that program must be allowed to open the file by name (loosening -dSAFER) and does no page
/// fitting; here -dPDFFitPage scales and turns the image onto the paper like any other PDF page, and we
/// decode nothing ourselves.
/// </summary>
internal static class JpegPdfWrapper
{
    public static JpegInfo ReadInfo(ReadOnlySpan<byte> jpeg)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8)
        {
            throw new ImageFormatException("JPEG: no start-of-image marker");
        }

        double xDpi = 72;
        double yDpi = 72;
        bool adobe = false;
        int i = 2;
        while (true)
        {
            // Markers may be padded with any number of 0xFF (T.81 §B.1.1.2).
            while (i < jpeg.Length && jpeg[i] == 0xFF && i + 1 < jpeg.Length && jpeg[i + 1] == 0xFF)
            {
                i++;
            }

            if (i + 4 > jpeg.Length || jpeg[i] != 0xFF)
            {
                throw new ImageFormatException("JPEG: no frame header before the end of the data");
            }

            byte marker = jpeg[i + 1];
            if (marker is 0xD8 or 0x01 or (>= 0xD0 and <= 0xD7))
            {
                i += 2; // markers without a length
                continue;
            }

            if (marker == 0xD9)
            {
                throw new ImageFormatException("JPEG: no frame header before the end of the image");
            }

            int length = (jpeg[i + 2] << 8) | jpeg[i + 3];
            if (length < 2 || i + 2 + length > jpeg.Length)
            {
                throw new ImageFormatException("JPEG: segment runs past the end of the data");
            }

            ReadOnlySpan<byte> body = jpeg.Slice(i + 4, length - 2);
            bool isFrame = marker is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC;
            if (isFrame)
            {
                if (body.Length < 6)
                {
                    throw new ImageFormatException("JPEG: short frame header");
                }

                int height = (body[1] << 8) | body[2];
                int width = (body[3] << 8) | body[4];
                int components = body[5];
                if (width == 0 || height == 0)
                {
                    throw new ImageFormatException("JPEG: zero width or height (DNL marker not supported)");
                }

                if (components is not (1 or 3 or 4))
                {
                    throw new ImageFormatException($"JPEG: {components} colour components");
                }

                return new JpegInfo(width, height, components, adobe, xDpi, yDpi);
            }

            if (marker == 0xE0 && body.Length >= 12 && body[..5].SequenceEqual("JFIF\0"u8))
            {
                int unit = body[7];
                int xd = (body[8] << 8) | body[9];
                int yd = (body[10] << 8) | body[11];
                if (xd > 0 && yd > 0 && unit is 1 or 2)
                {
                    double scale = unit == 2 ? 2.54 : 1; // dots per cm
                    (xDpi, yDpi) = (xd * scale, yd * scale);
                }
                else if (xd > 0 && yd > 0 && unit == 0)
                {
                    yDpi = xDpi * xd / yd; // aspect ratio only
                }
            }
            else if (marker == 0xEE && body.Length >= 5 && body[..5].SequenceEqual("Adobe"u8))
            {
                adobe = true; // Adobe CMYK JPEGs store inverted values
            }

            i += 2 + length;
        }
    }

    public static byte[] Wrap(ReadOnlySpan<byte> jpeg)
    {
        JpegInfo info = ReadInfo(jpeg);
        string colorSpace = info.Components switch
        {
            1 => "/DeviceGray",
            3 => "/DeviceRGB",
            _ => "/DeviceCMYK",
        };
        string decode = info.Components == 4 && info.AdobeInverted ? " /Decode [1 0 1 0 1 0 1 0]" : string.Empty;
        double w = info.Width * 72.0 / info.XDpi;
        double h = info.Height * 72.0 / info.YDpi;
        string wt = w.ToString("0.###", CultureInfo.InvariantCulture);
        string ht = h.ToString("0.###", CultureInfo.InvariantCulture);
        string content = $"q {wt} 0 0 {ht} 0 0 cm /Im0 Do Q\n";

        using var pdf = new MemoryStream(jpeg.Length + 1024);
        var offsets = new long[6];
        void Write(string s) => pdf.Write(Encoding.ASCII.GetBytes(s));

        Write("%PDF-1.4\n");
        offsets[1] = pdf.Position;
        Write("1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        offsets[2] = pdf.Position;
        Write("2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n");
        offsets[3] = pdf.Position;
        Write($"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {wt} {ht}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>\nendobj\n");
        offsets[4] = pdf.Position;
        Write(FormattableString.Invariant(
            $"4 0 obj\n<< /Type /XObject /Subtype /Image /Width {info.Width} /Height {info.Height} /ColorSpace {colorSpace} /BitsPerComponent 8{decode} /Filter /DCTDecode /Length {jpeg.Length} >>\nstream\n"));
        pdf.Write(jpeg);
        Write("\nendstream\nendobj\n");
        offsets[5] = pdf.Position;
        Write(FormattableString.Invariant($"5 0 obj\n<< /Length {content.Length} >>\nstream\n{content}endstream\nendobj\n"));
        long xref = pdf.Position;
        var x = new StringBuilder("xref\n0 6\n0000000000 65535 f \n");
        for (int n = 1; n <= 5; n++)
        {
            x.Append(offsets[n].ToString("D10", CultureInfo.InvariantCulture)).Append(" 00000 n \n");
        }

        x.Append(CultureInfo.InvariantCulture, $"trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n");
        Write(x.ToString());
        return pdf.ToArray();
    }
}
