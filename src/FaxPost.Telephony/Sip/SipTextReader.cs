using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>A cursor over a header value for the RFC 3261 §25 productions (LWS, token, quoted-string).</summary>
internal ref struct SipTextReader
{
    private readonly ReadOnlySpan<char> _s;

    public SipTextReader(ReadOnlySpan<char> s)
    {
        _s = s;
        Pos = 0;
    }

    public int Pos { get; set; }

    public readonly bool End => Pos >= _s.Length;

    public readonly char Peek => Pos < _s.Length ? _s[Pos] : '\0';

    public readonly ReadOnlySpan<char> Rest => _s[Pos..];

    public readonly ReadOnlySpan<char> Source => _s;

    public void SkipLws()
    {
        while (Pos < _s.Length && SipChars.IsWs(_s[Pos]))
        {
            Pos++;
        }
    }

    /// <summary>Skips LWS, then consumes <paramref name="c"/> if it is next (SWS c SWS in the ABNF).</summary>
    public bool TryConsume(char c)
    {
        var save = Pos;
        SkipLws();
        if (Pos < _s.Length && _s[Pos] == c)
        {
            Pos++;
            return true;
        }

        Pos = save;
        return false;
    }

    public ReadOnlySpan<char> ReadToken()
    {
        var start = Pos;
        while (Pos < _s.Length && _s[Pos] < 128 && SipChars.IsToken((byte)_s[Pos]))
        {
            Pos++;
        }

        return _s[start..Pos];
    }

    /// <summary>Reads chars accepted by <paramref name="accept"/>.</summary>
    public ReadOnlySpan<char> ReadWhile(Func<char, bool> accept)
    {
        var start = Pos;
        while (Pos < _s.Length && accept(_s[Pos]))
        {
            Pos++;
        }

        return _s[start..Pos];
    }

    /// <summary>quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE; returns the unescaped content.</summary>
    public bool TryReadQuoted(out string value)
    {
        value = string.Empty;
        if (Pos >= _s.Length || _s[Pos] != '"')
        {
            return false;
        }

        var i = Pos + 1;
        StringBuilder? sb = null;
        var runStart = i;
        while (i < _s.Length)
        {
            var c = _s[i];
            if (c == '"')
            {
                value = sb is null ? new string(_s[runStart..i]) : sb.Append(_s[runStart..i]).ToString();
                Pos = i + 1;
                return true;
            }

            if (c == '\\')
            {
                if (i + 1 >= _s.Length)
                {
                    return false;
                }

                sb ??= new StringBuilder();
                sb.Append(_s[runStart..i]).Append(_s[i + 1]);
                i += 2;
                runStart = i;
                continue;
            }

            i++;
        }

        return false;
    }

    /// <summary>Index of the next top-level <paramref name="c"/> (outside quotes and angle brackets), or -1.</summary>
    public static int IndexOfTopLevel(ReadOnlySpan<char> s, char c)
    {
        var inQuote = false;
        var angle = false;
        for (var i = 0; i < s.Length; i++)
        {
            var ch = s[i];
            if (inQuote)
            {
                if (ch == '\\')
                {
                    i++;
                }
                else if (ch == '"')
                {
                    inQuote = false;
                }

                continue;
            }

            if (ch == c && !angle)
            {
                return i;
            }

            switch (ch)
            {
                case '"':
                    inQuote = true;
                    break;
                case '<':
                    angle = true;
                    break;
                case '>':
                    angle = false;
                    break;
            }
        }

        return -1;
    }

    /// <summary>Splits a comma list (RFC 3261 §7.3.1) at top level, trimming LWS; empty items are kept for the caller to judge.</summary>
    public static List<string> SplitList(ReadOnlySpan<char> s)
    {
        var items = new List<string>();
        while (true)
        {
            var comma = IndexOfTopLevel(s, ',');
            var item = comma < 0 ? s : s[..comma];
            items.Add(new string(SipChars.Trim(item)));
            if (comma < 0)
            {
                return items;
            }

            s = s[(comma + 1)..];
        }
    }
}
