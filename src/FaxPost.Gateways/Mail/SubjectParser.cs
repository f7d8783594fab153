using System.Text.RegularExpressions;

namespace FaxPost.Gateways.Mail;

/// <summary>One recipient named in a subject: a number as dialled, or a name for the address book.</summary>
public readonly record struct SubjectRecipient(string Text, bool IsNumber);

/// <summary>What a mail-to-fax subject says: recipients, the sender's PIN, or why it cannot be read.</summary>
public sealed record SubjectParseResult(IReadOnlyList<SubjectRecipient> Recipients, string? Pin, string? Error)
{
    public bool IsValid => Error is null;
}

/// <summary>
/// Reads a mail-to-fax subject (seed 003: access code + fax number, e.g. "00991123456999"):
/// several recipients separated by commas or semicolons, each a number (digits with the usual
/// + - / ( ) . and spaces) or an address-book name or distribution list; an optional
/// "PIN 1234" (also "PIN:1234", "PIN=1234") anywhere. Forward prefixes (Fwd:, Fw:, WG:) are
/// dropped. Pure: no look-ups here; numbers are checked against the numbering plan later.
/// </summary>
public static partial class SubjectParser
{
    public const int MaxRecipients = 100;
    public const int MaxNameLength = 100;

    public static SubjectParseResult Parse(string? subject)
    {
        string text = Clean(subject);
        string? pin = null;
        var pins = PinPattern().Matches(text);
        if (pins.Count > 1)
        {
            return Fail("the subject holds more than one PIN");
        }

        if (pins.Count == 1)
        {
            pin = pins[0].Groups[1].Value;
            text = text.Remove(pins[0].Index, pins[0].Length);
        }
        else if (LoosePinPattern().IsMatch(text))
        {
            return Fail("a PIN is 4 to 12 digits, written as \"PIN 1234\"");
        }

        text = StripForwardPrefixes(text);
        var recipients = new List<SubjectRecipient>();
        foreach (string raw in text.Split([',', ';'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (recipients.Count == MaxRecipients)
            {
                return Fail($"the subject names more than {MaxRecipients} recipients");
            }

            string item = CollapseSpaces(raw);
            if (IsNumberLike(item))
            {
                recipients.Add(new SubjectRecipient(item, true));
            }
            else if (item.Length > MaxNameLength)
            {
                return Fail($"'{item[..40]}…' is neither a fax number nor a name (names have at most {MaxNameLength} characters)");
            }
            else
            {
                recipients.Add(new SubjectRecipient(item, false));
            }
        }

        return recipients.Count == 0
            ? Fail("the subject names no recipient: write the fax number with the access code, e.g. \"0089123456\"")
            : new SubjectParseResult(recipients, pin, null);
    }

    /// <summary>The subject with any PIN blanked out, for replies and logs.</summary>
    public static string WithoutPin(string? subject) => PinPattern().Replace(subject ?? "", "PIN ****");

    /// <summary>True when the text is a number as people write it: digits, at most one leading '+', and separators.</summary>
    internal static bool IsNumberLike(ReadOnlySpan<char> item)
    {
        bool digit = false;
        for (int i = 0; i < item.Length; i++)
        {
            char c = item[i];
            if (char.IsAsciiDigit(c))
            {
                digit = true;
            }
            else if (c == '+' ? digit || item[..i].ContainsAnyExcept(' ') : c is not (' ' or '-' or '/' or '(' or ')' or '.'))
            {
                return false;
            }
        }

        return digit;
    }

    private static SubjectParseResult Fail(string error) => new([], null, error);

    /// <summary>Control characters (folded headers, invalid input) become spaces.</summary>
    private static string Clean(string? subject)
    {
        if (string.IsNullOrEmpty(subject))
        {
            return "";
        }

        var chars = subject.Length > 2000 ? subject[..2000].ToCharArray() : subject.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            bool loneHigh = char.IsHighSurrogate(c) && (i + 1 == chars.Length || !char.IsLowSurrogate(chars[i + 1]));
            bool loneLow = char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(chars[i - 1]));
            if (char.IsControl(c) || loneHigh || loneLow)
            {
                chars[i] = ' ';
            }
        }

        return new string(chars).Trim();
    }

    private static string StripForwardPrefixes(string text)
    {
        while (true)
        {
            var m = ForwardPrefix().Match(text);
            if (!m.Success)
            {
                return text;
            }

            text = text[m.Length..];
        }
    }

    private static string CollapseSpaces(string s) => Spaces().Replace(s, " ");

    // The patterns cannot backtrack more than a step or two (atomic groups around the runs of
    // spaces) and subjects are cut to 2,000 characters, so matching is linear and needs no
    // timeout — a timeout would only turn a slow moment on a loaded server into a refused mail.
    [GeneratedRegex(@"(?<![\p{L}\p{N}])PIN(?>\s*)(?:[:=](?>\s*))?(\d{4,12})(?!\d)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PinPattern();

    [GeneratedRegex(@"(?<![\p{L}\p{N}])PIN(?![\p{L}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex LoosePinPattern();

    [GeneratedRegex(@"^(?>\s*)(fwd?|wg|tr)(?>\s*):(?>\s*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ForwardPrefix();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex Spaces();
}
