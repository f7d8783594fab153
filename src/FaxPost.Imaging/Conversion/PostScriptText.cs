using System.Globalization;
using System.Text;

namespace FaxPost.Imaging.Conversion;

/// <summary>Pieces of generated PostScript: string literals and Latin-1 re-encoded fonts.</summary>
internal static class PostScriptText
{
    /// <summary>
    /// Defines /Name as <paramref name="font"/> re-encoded with ISOLatin1Encoding: the standard fonts use
    /// StandardEncoding, where bytes 0xA0–0xFF are not the Latin-1 letters (PLRM 3rd ed. §5.6.1).
    /// </summary>
    public static void DefineLatin1Font(StringBuilder ps, string font, string name)
    {
        ps.Append('/').Append(font).Append(" findfont dup length dict begin\n")
          .Append("  { 1 index /FID ne { def } { pop pop } ifelse } forall\n")
          .Append("  /Encoding ISOLatin1Encoding def currentdict end\n")
          .Append('/').Append(name).Append(" exch definefont pop\n");
    }

    /// <summary>
    /// Appends a PostScript string literal: ( ) and \ escaped, anything outside printable ASCII as
    /// octal \ddd (PLRM §3.2.2), so the program stays 7-bit clean. Characters above U+00FF become '?'.
    /// </summary>
    public static void AppendString(StringBuilder ps, string text)
    {
        ps.Append('(');
        foreach (char c in text)
        {
            int code = c > 0xFF ? '?' : c;
            switch (code)
            {
                case '(':
                case ')':
                case '\\':
                    ps.Append('\\').Append((char)code);
                    break;
                default:
                    if (code is < 0x20 or >= 0x7F)
                    {
                        ps.Append('\\').Append(Convert.ToString(code, 8).PadLeft(3, '0'));
                    }
                    else
                    {
                        ps.Append((char)code);
                    }

                    break;
            }
        }

        ps.Append(')');
    }

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}

/// <summary>Plain text as PostScript pages: Courier 10 pt on 12 pt lines, 0.75 in margins.</summary>
internal static class TextPostScript
{
    public const double FontSize = 10;
    public const double Leading = 12;
    public const double Margin = 54;
    public const double CharWidth = 6; // Courier advance is 0.6 em

    public static int Columns(PaperSize paper) => (int)((FaxPageFormat.Points(paper).Width - (2 * Margin)) / CharWidth);

    public static int LinesPerPage(PaperSize paper) => (int)((FaxPageFormat.Points(paper).Height - (2 * Margin)) / Leading);

    public static byte[] Generate(List<List<string>> pages, PaperSize paper)
    {
        int height = FaxPageFormat.Points(paper).Height;
        var ps = new StringBuilder(64 * 1024);
        ps.Append("%!PS-Adobe-3.0\n");
        PostScriptText.DefineLatin1Font(ps, "Courier", "FaxPostCourier");
        ps.Append("/F { /FaxPostCourier findfont ").Append(PostScriptText.Number(FontSize)).Append(" scalefont setfont } bind def\n");
        ps.Append("/L { ").Append(PostScriptText.Number(Margin)).Append(" exch moveto show } bind def\n");
        foreach (List<string> page in pages)
        {
            ps.Append("F\n");
            double y = height - Margin - (FontSize * 0.8); // first baseline: one cap height under the margin
            foreach (string line in page)
            {
                if (line.Length > 0)
                {
                    PostScriptText.AppendString(ps, line.TrimEnd(' '));
                    ps.Append(' ').Append(PostScriptText.Number(y)).Append(" L\n");
                }

                y -= Leading;
            }

            ps.Append("showpage\n");
        }

        return Encoding.ASCII.GetBytes(ps.ToString());
    }
}
