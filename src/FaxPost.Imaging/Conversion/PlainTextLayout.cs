using System.Text;

namespace FaxPost.Imaging.Conversion;

/// <summary>
/// Lays plain text out in a fixed grid of columns and lines: UTF-8 decoded (invalid bytes and
/// characters outside Latin-1 become '?'), tabs expanded to every 8th column, long lines wrapped,
/// form feed starts a new page, other control characters dropped.
/// </summary>
internal static class PlainTextLayout
{
    public const int TabWidth = 8;

    /// <summary>Decodes UTF-8, or UTF-16 when the text starts with its byte order mark (as Windows editors save "Unicode").</summary>
    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return new UnicodeEncoding(false, false).GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return new UnicodeEncoding(true, false).GetString(bytes[2..]);
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            bytes = bytes[3..];
        }

        return new UTF8Encoding(false, false).GetString(bytes); // invalid sequences become U+FFFD, printed as '?'
    }

    public static List<List<string>> Paginate(ReadOnlySpan<byte> bytes, int columns, int linesPerPage) =>
        Paginate(Decode(bytes), columns, linesPerPage);

    public static List<List<string>> Paginate(string text, int columns, int linesPerPage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(linesPerPage);
        var pages = new List<List<string>>();
        var page = new List<string>();
        var line = new StringBuilder(columns);
        bool pendingLine = false;

        void EndLine()
        {
            if (page.Count == linesPerPage)
            {
                pages.Add(page);
                page = [];
            }

            page.Add(line.ToString());
            line.Clear();
            pendingLine = false;
        }

        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            switch (c)
            {
                case '\r':
                    if (i + 1 < text.Length && text[i + 1] == '\n')
                    {
                        continue;
                    }

                    EndLine();
                    break;
                case '\n':
                    EndLine();
                    break;
                case '\f':
                    if (line.Length > 0 || pendingLine)
                    {
                        EndLine();
                    }

                    pages.Add(page);
                    page = [];
                    break;
                case '\t':
                    int next = ((line.Length / TabWidth) + 1) * TabWidth;
                    if (next >= columns)
                    {
                        EndLine(); // a tab past the right margin moves to the next line
                        break;
                    }

                    line.Append(' ', next - line.Length);
                    pendingLine = true;
                    break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        i++; // one character outside Latin-1
                        c = '?';
                    }
                    else if (c < ' ' || (c >= 0x7F && c < 0xA0))
                    {
                        continue; // other control characters print nothing
                    }
                    else if (c > 0xFF)
                    {
                        c = '?';
                    }

                    if (line.Length == columns)
                    {
                        EndLine(); // wrap
                    }

                    line.Append(c);
                    pendingLine = true;
                    break;
            }
        }

        if (line.Length > 0 || pendingLine)
        {
            EndLine();
        }

        if (page.Count > 0)
        {
            pages.Add(page);
        }

        return pages;
    }

    /// <summary>True when the text would print nothing at all.</summary>
    public static bool IsBlank(List<List<string>> pages) =>
        pages.All(p => p.All(l => string.IsNullOrWhiteSpace(l)));
}
