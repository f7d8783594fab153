using System.Net;
using System.Text;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Turns an HTML mail body into plain text for faxing: tags dropped, script/style/head content
/// dropped, block elements as line breaks, list items with a dash, entities decoded, runs of
/// blank lines collapsed. Not a layout engine; a fax of a mail needs the words, not the design.
/// </summary>
public static class HtmlText
{
    private static readonly string[] BlockTags =
        ["p", "div", "br", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "blockquote", "pre", "hr", "section", "article", "header", "footer", "dt", "dd"];

    private static readonly string[] HiddenTags = ["script", "style", "head", "title", "template"];

    public static string ToText(string html)
    {
        var text = new StringBuilder(html.Length / 2);
        int i = 0;
        while (i < html.Length)
        {
            char c = html[i];
            if (c != '<')
            {
                int next = html.IndexOf('<', i);
                if (next < 0)
                {
                    next = html.Length;
                }

                AppendInline(text, WebUtility.HtmlDecode(html[i..next]));
                i = next;
                continue;
            }

            if (html.AsSpan(i).StartsWith("<!--", StringComparison.Ordinal))
            {
                int end = html.IndexOf("-->", i + 4, StringComparison.Ordinal);
                i = end < 0 ? html.Length : end + 3;
                continue;
            }

            int close = html.IndexOf('>', i + 1);
            if (close < 0)
            {
                // A lone '<' in text ("a < b") is text.
                AppendInline(text, html[i..]);
                break;
            }

            string name = TagName(html.AsSpan(i + 1, close - i - 1), out bool closing);
            i = close + 1;
            if (!closing && Array.IndexOf(HiddenTags, name) >= 0)
            {
                int end = html.IndexOf("</" + name, i, StringComparison.OrdinalIgnoreCase);
                i = end < 0 ? html.Length : Math.Max(i, html.IndexOf('>', end) is int gt and >= 0 ? gt + 1 : html.Length);
                continue;
            }

            if (Array.IndexOf(BlockTags, name) >= 0)
            {
                NewLine(text);
                if (name == "li" && !closing)
                {
                    text.Append("- ");
                }
                else if (name is "p" or "h1" or "h2" or "h3" or "table" or "blockquote" && closing)
                {
                    text.Append('\n');
                }
            }
            else if (name is "td" or "th" && !closing)
            {
                text.Append('\t');
            }
        }

        return Tidy(text.ToString());
    }

    private static string TagName(ReadOnlySpan<char> inside, out bool closing)
    {
        inside = inside.TrimStart();
        closing = inside.StartsWith("/");
        if (closing)
        {
            inside = inside[1..].TrimStart();
        }

        int n = 0;
        while (n < inside.Length && n < 20 && char.IsAsciiLetterOrDigit(inside[n]))
        {
            n++;
        }

        return inside[..n].ToString().ToLowerInvariant();
    }

    private static void AppendInline(StringBuilder text, string s)
    {
        foreach (char c in s)
        {
            if (char.IsWhiteSpace(c))
            {
                if (text.Length > 0 && text[^1] is not (' ' or '\n' or '\t'))
                {
                    text.Append(' ');
                }
            }
            else
            {
                text.Append(c == '\u00A0' ? ' ' : c);
            }
        }
    }

    private static void NewLine(StringBuilder text)
    {
        while (text.Length > 0 && text[^1] == ' ')
        {
            text.Length--;
        }

        if (text.Length > 0 && text[^1] != '\n')
        {
            text.Append('\n');
        }
    }

    /// <summary>Trailing spaces off every line, at most one blank line in a row.</summary>
    private static string Tidy(string s)
    {
        var lines = s.Split('\n').Select(l => l.TrimEnd()).ToList();
        var result = new StringBuilder(s.Length);
        int blank = 0;
        foreach (string line in lines)
        {
            if (line.Length == 0)
            {
                if (++blank > 1 || result.Length == 0)
                {
                    continue;
                }
            }
            else
            {
                blank = 0;
            }

            result.Append(line).Append('\n');
        }

        return result.ToString().TrimEnd() + "\n";
    }
}
