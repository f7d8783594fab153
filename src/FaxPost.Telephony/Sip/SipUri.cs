using System.Net;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// A SIP, SIPS or tel URI (RFC 3261 §19.1, §25.1; RFC 3966), or any other absoluteURI kept opaque.
/// Escapes are decoded in user, parameter names and values. A password in the userinfo is accepted
/// (RFC 3261 says NOT RECOMMENDED, not invalid) but never kept: only <see cref="HadPassword"/> says it was there.
/// </summary>
public sealed class SipUri
{
    private readonly string _text;

    private SipUri(string text, string scheme)
    {
        _text = text;
        Scheme = scheme;
    }

    /// <summary>Lower-case scheme: "sip", "sips", "tel" or another absoluteURI scheme.</summary>
    public string Scheme { get; }

    public bool IsSip => Scheme is "sip" or "sips";

    public bool IsTel => Scheme == "tel";

    /// <summary>Unescaped user part, or null. For tel: URIs the subscriber number.</summary>
    public string? User { get; private init; }

    public bool HadPassword { get; private init; }

    /// <summary>Host name, IPv4 address or IPv6 reference with its brackets; empty for tel and opaque URIs.</summary>
    public string Host { get; private init; } = string.Empty;

    public bool IsIPv6Reference => Host.StartsWith('[');

    public int? Port { get; private init; }

    public SipParameters Parameters { get; private init; } = SipParameters.Empty;

    /// <summary>"?name=value&amp;..." headers of the URI (RFC 3261 §19.1.1), unescaped.</summary>
    public SipParameters Headers { get; private init; } = SipParameters.Empty;

    /// <summary>For schemes other than sip/sips/tel: what follows the colon.</summary>
    public string? Opaque { get; private init; }

    public string? Transport => Parameters["transport"];

    /// <summary>RFC 3261 §19.1.1: the lr parameter marks a loose router.</summary>
    public bool IsLooseRouter => Parameters.Contains("lr");

    public override string ToString() => _text;

    public static SipUri Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var uri) ? uri : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, $"Not a valid URI: '{text}'");

    /// <summary>Builds a sip: or sips: URI, escaping the user part as needed.</summary>
    public static SipUri Create(string scheme, string? user, string host, int? port = null, SipParameters? parameters = null)
    {
        var sb = new StringBuilder(scheme).Append(':');
        if (!string.IsNullOrEmpty(user))
        {
            AppendEscaped(sb, user, IsUserChar);
            sb.Append('@');
        }

        var bareV6 = host.Contains(':') && !host.StartsWith('[');
        sb.Append(bareV6 ? "[" + host + "]" : host);
        if (port is int p)
        {
            sb.Append(':').Append(p);
        }

        parameters?.AppendTo(sb);
        return Parse(sb.ToString());
    }

    public static bool TryParse(ReadOnlySpan<char> text, out SipUri uri)
    {
        uri = null!;
        var colon = text.IndexOf(':');
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            return false;
        }

        foreach (var c in text[..colon])
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                return false;
            }
        }

        foreach (var c in text)
        {
            if (c <= ' ' || c is '<' or '>' or '"' or '\x7f')
            {
                return false;
            }
        }

        var scheme = new string(text[..colon]).ToLowerInvariant();
        var rest = text[(colon + 1)..];
        return scheme switch
        {
            "sip" or "sips" => TryParseSip(text, scheme, rest, out uri),
            "tel" => TryParseTel(text, rest, out uri),
            _ => TryOpaque(text, scheme, rest, out uri),
        };
    }

    private static bool TryOpaque(ReadOnlySpan<char> text, string scheme, ReadOnlySpan<char> rest, out SipUri uri)
    {
        uri = new SipUri(new string(text), scheme) { Opaque = new string(rest) };
        return !rest.IsEmpty;
    }

    private static bool TryParseTel(ReadOnlySpan<char> text, ReadOnlySpan<char> rest, out SipUri uri)
    {
        uri = null!;
        var semi = rest.IndexOf(';');
        var number = semi < 0 ? rest : rest[..semi];
        if (number.IsEmpty)
        {
            return false;
        }

        // RFC 3966 §3: global-number-digits / local-number-digits with visual separators.
        foreach (var c in number)
        {
            if (!char.IsAsciiHexDigit(c) && c is not ('+' or '-' or '.' or '(' or ')' or '*' or '#' or 'p' or 'w' or 'P' or 'W'))
            {
                return false;
            }
        }

        var parameters = new SipParameters();
        if (semi >= 0 && (!TryParseUriParams(rest[semi..], parameters, out var tail) || !tail.IsEmpty))
        {
            return false;
        }

        uri = new SipUri(new string(text), "tel") { User = new string(number), Parameters = parameters };
        return true;
    }

    private static bool TryParseSip(ReadOnlySpan<char> text, string scheme, ReadOnlySpan<char> rest, out SipUri uri)
    {
        uri = null!;
        string? user = null;
        var hadPassword = false;
        var at = rest.IndexOf('@');
        if (at >= 0)
        {
            var userinfo = rest[..at];
            var pw = userinfo.IndexOf(':');
            var userPart = pw < 0 ? userinfo : userinfo[..pw];
            if (pw >= 0)
            {
                hadPassword = true;
                if (!AllValid(userinfo[(pw + 1)..], IsPasswordChar))
                {
                    return false;
                }
            }

            if (userPart.IsEmpty || !AllValid(userPart, IsUserChar) || !TryUnescape(userPart, out user))
            {
                return false;
            }

            rest = rest[(at + 1)..];
        }

        // host: IPv6reference / IPv4address / hostname.
        string host;
        if (rest.StartsWith('['))
        {
            var close = rest.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(rest[1..close], out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            host = new string(rest[..(close + 1)]);
            rest = rest[(close + 1)..];
        }
        else
        {
            var end = 0;
            while (end < rest.Length && (char.IsAsciiLetterOrDigit(rest[end]) || rest[end] is '-' or '.' or '_'))
            {
                end++;
            }

            if (end == 0)
            {
                return false;
            }

            host = new string(rest[..end]);
            rest = rest[end..];
        }

        int? port = null;
        if (rest.StartsWith(':'))
        {
            var end = 1;
            while (end < rest.Length && char.IsAsciiDigit(rest[end]))
            {
                end++;
            }

            if (!SipChars.TryParseDigits(rest[1..end], 65535, out var p))
            {
                return false;
            }

            port = (int)p;
            rest = rest[end..];
        }

        var parameters = new SipParameters();
        if (!TryParseUriParams(rest, parameters, out rest))
        {
            return false;
        }

        var headers = SipParameters.Empty;
        if (rest.StartsWith('?'))
        {
            headers = new SipParameters();
            rest = rest[1..];
            while (true)
            {
                var amp = rest.IndexOf('&');
                var item = amp < 0 ? rest : rest[..amp];
                var eq = item.IndexOf('=');
                if (eq <= 0 || !AllValid(item, IsHeaderChar) ||
                    !TryUnescape(item[..eq], out var hname) || !TryUnescape(item[(eq + 1)..], out var hvalue))
                {
                    return false;
                }

                headers.Add(hname, hvalue);
                if (amp < 0)
                {
                    rest = [];
                    break;
                }

                rest = rest[(amp + 1)..];
            }
        }

        if (!rest.IsEmpty)
        {
            return false;
        }

        uri = new SipUri(new string(text), scheme)
        {
            User = user,
            HadPassword = hadPassword,
            Host = host,
            Port = port,
            Parameters = parameters,
            Headers = headers,
        };
        return true;
    }

    /// <summary>uri-parameters = *( ";" pname [ "=" pvalue ] ) up to '?' or the end.</summary>
    private static bool TryParseUriParams(ReadOnlySpan<char> s, SipParameters into, out ReadOnlySpan<char> rest)
    {
        rest = s;
        while (rest.StartsWith(';'))
        {
            rest = rest[1..];
            var end = 0;
            while (end < rest.Length && rest[end] is not (';' or '?'))
            {
                end++;
            }

            var item = rest[..end];
            var eq = item.IndexOf('=');
            var rawName = eq < 0 ? item : item[..eq];
            if (rawName.IsEmpty || !AllValid(item, c => IsParamChar(c) || c == '=') || !TryUnescape(rawName, out var name))
            {
                return false;
            }

            string? value = null;
            if (eq >= 0 && !TryUnescape(item[(eq + 1)..], out value))
            {
                return false;
            }

            into.Add(name, value);
            rest = rest[end..];
        }

        return true;
    }

    private static bool AllValid(ReadOnlySpan<char> s, Func<char, bool> ok)
    {
        foreach (var c in s)
        {
            if (!ok(c))
            {
                return false;
            }
        }

        return true;
    }

    // unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")".
    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '!' or '~' or '*' or '\'' or '(' or ')';

    // user = 1*( unreserved / escaped / user-unreserved ); user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/".
    private static bool IsUserChar(char c) => IsUnreserved(c) || c is '%' or '&' or '=' or '+' or '$' or ',' or ';' or '?' or '/';

    private static bool IsPasswordChar(char c) => IsUnreserved(c) || c is '%' or '&' or '=' or '+' or '$' or ',';

    // paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$".
    private static bool IsParamChar(char c) => IsUnreserved(c) || c is '%' or '[' or ']' or '/' or ':' or '&' or '+' or '$';

    // hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$".
    private static bool IsHeaderChar(char c) => IsUnreserved(c) || c is '%' or '[' or ']' or '/' or '?' or ':' or '+' or '$' or '=';

    /// <summary>Decodes %HH escapes (RFC 3261 §19.1.2) as UTF-8; a bad escape fails.</summary>
    internal static bool TryUnescape(ReadOnlySpan<char> s, out string value)
    {
        if (s.IndexOf('%') < 0)
        {
            value = new string(s);
            return true;
        }

        value = string.Empty;
        var bytes = new List<byte>(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !char.IsAsciiHexDigit(s[i + 1]) || !char.IsAsciiHexDigit(s[i + 2]))
                {
                    return false;
                }

                bytes.Add((byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
                i += 2;
            }
            else if (c < 128)
            {
                bytes.Add((byte)c);
            }
            else
            {
                var len = char.IsHighSurrogate(c) && i + 1 < s.Length ? 2 : 1;
                bytes.AddRange(Encoding.UTF8.GetBytes(s.Slice(i, len).ToArray()));
                i += len - 1;
            }
        }

        value = Encoding.UTF8.GetString(bytes.ToArray());
        return true;
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    private static void AppendEscaped(StringBuilder sb, string value, Func<char, bool> allowed)
    {
        Span<byte> buf = stackalloc byte[4];
        foreach (var rune in value.EnumerateRunes())
        {
            if (rune.IsAscii && rune.Value != '%' && allowed((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }

            var n = rune.EncodeToUtf8(buf);
            foreach (var b in buf[..n])
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
    }
}
