using System.Text;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Fills "{Name}" placeholders of a configured template. Unknown names stay as written (so a typo
/// shows in the mail instead of vanishing); "{{" and "}}" are literal braces. Values are inserted
/// as they are: HTML callers escape them first.
/// </summary>
public static class MailTemplate
{
    public static string Render(string template, IReadOnlyDictionary<string, string?> values)
    {
        var sb = new StringBuilder(template.Length + 64);
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if (c == '{' && i + 1 < template.Length && template[i + 1] == '{')
            {
                sb.Append('{');
                i++;
            }
            else if (c == '}' && i + 1 < template.Length && template[i + 1] == '}')
            {
                sb.Append('}');
                i++;
            }
            else if (c == '{' && template.IndexOf('}', i + 1) is int end and > 0 && end - i <= 40 && values.TryGetValue(template[(i + 1)..end], out string? value))
            {
                sb.Append(value ?? "");
                i = end;
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }
}
