namespace FaxPost.Imaging.Conversion;

public sealed partial class DocumentConverter
{
    // Names whose content must carry its own magic: such a file is never taken for plain text.
    private static readonly string[] BinaryExtensions =
        [".pdf", ".ps", ".eps", ".tif", ".tiff", ".png", ".jpg", ".jpeg", ".jpe", ".gif", ".bmp", ".zip", ".gz",
         ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".rtf"];

    /// <summary>
    /// The kind of a document by its first bytes (a few KB). The name only decides that a file called
    /// e.g. ".pdf" without a PDF header is not read as plain text.
    /// </summary>
    public static DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName)
    {
        if (head.IsEmpty)
        {
            return null;
        }

        string ext = Path.GetExtension(fileName ?? string.Empty).ToLowerInvariant();

        // PDF 1.7 §7.5.2 puts the header first; readers accept it within the first 1024 bytes. Later than
        // the first byte it counts only after binary junk or in a file called .pdf, so that a text which
        // mentions "%PDF-" stays text.
        int pdf = head[..Math.Min(head.Length, 1024)].IndexOf("%PDF-"u8);
        if (pdf == 0 || (pdf > 0 && (ext == ".pdf" || !LooksLikeText(head[..pdf]))))
        {
            return DocumentKind.Pdf;
        }

        if (head.StartsWith("%!"u8) || head.StartsWith((ReadOnlySpan<byte>)[0xC5, 0xD0, 0xD3, 0xC6]))
        {
            return DocumentKind.PostScript; // PostScript, or DOS EPS binary header
        }

        // Ctrl-D or a PJL job header in front of PostScript, as printer drivers write it.
        if ((head[0] == 0x04 || head.StartsWith("\x1B%-12345X"u8)) && head[..Math.Min(head.Length, 1024)].IndexOf("%!PS"u8) >= 0)
        {
            return DocumentKind.PostScript;
        }

        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8) || head.StartsWith("II+\0"u8) || head.StartsWith("MM\0+"u8))
        {
            return DocumentKind.Tiff;
        }

        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return DocumentKind.Png;
        }

        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return DocumentKind.Jpeg;
        }

        if (Array.IndexOf(BinaryExtensions, ext) >= 0)
        {
            return null;
        }

        // UTF-16 text with its byte order mark.
        if ((head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) && head.Length % 2 == 0)
        {
            return LooksLikeText(PlainTextLayout.Decode(head)) ? DocumentKind.Text : null;
        }

        return LooksLikeText(head) ? DocumentKind.Text : null;
    }

    /// <summary>No NUL and no control characters other than tab, line ends and form feed (bytes that are not UTF-8 later print as ?).</summary>
    internal static bool LooksLikeText(string text)
    {
        foreach (char c in text)
        {
            if (c is < ' ' and not ('\t' or '\n' or '\r' or '\f') || c == '\x7F')
            {
                return false;
            }
        }

        return true;
    }

    internal static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        foreach (byte b in head)
        {
            if (b is < 0x20 and not ((byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f') || b == 0x7F)
            {
                return false;
            }
        }

        return true;
    }
}
