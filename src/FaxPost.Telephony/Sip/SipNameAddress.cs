using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// A name-addr or addr-spec with header parameters (From, To, Contact, Route, Record-Route,
/// P-Called-Party-ID, Diversion...). RFC 3261 §20.10, §25.1.
/// </summary>
public sealed class SipNameAddress
{
    public SipNameAddress(SipUri uri, string? displayName = null, SipParameters? parameters = null)
    {
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? new SipParameters();
    }

    private SipNameAddress()
    {
        Uri = null!;
        Parameters = SipParameters.Empty;
        IsWildcard = true;
    }

    /// <summary>The Contact "*" of a REGISTER that removes all bindings (RFC 3261 §10.2.2).</summary>
    public static SipNameAddress Wildcard { get; } = new();

    public bool IsWildcard { get; }

    /// <summary>Display name without quotes and escapes, or null.</summary>
    public string? DisplayName { get; }

    public SipUri Uri { get; }

    public SipParameters Parameters { get; }

    public string? Tag => Parameters["tag"];

    public static SipNameAddress Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var value) ? value : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, $"Not a valid name-addr: '{text}'");

    public static bool TryParse(ReadOnlySpan<char> text, out SipNameAddress value)
    {
        value = null!;
        var r = new SipTextReader(text);
        r.SkipLws();
        if (SipChars.Trim(r.Rest) is "*")
        {
            value = Wildcard;
            return true;
        }

        string? display = null;
        SipUri? uri;
        if (r.Peek == '"')
        {
            if (!r.TryReadQuoted(out var quoted) || !r.TryConsume('<'))
            {
                return false;
            }

            display = quoted;
            if (!TryReadAngleUri(ref r, out uri))
            {
                return false;
            }
        }
        else
        {
            var lt = SipTextReader.IndexOfTopLevel(r.Rest, '<');
            var semi = SipTextReader.IndexOfTopLevel(r.Rest, ';');
            if (lt >= 0 && (semi < 0 || lt < semi))
            {
                // display-name = *(token LWS): only tokens separated by whitespace (RFC 4475 §3.1.2.15).
                var name = SipChars.Trim(r.Rest[..lt]);
                if (!IsTokenSequence(name))
                {
                    return false;
                }

                display = name.IsEmpty ? null : new string(name);
                r.Pos += lt + 1;
                if (!TryReadAngleUri(ref r, out uri))
                {
                    return false;
                }
            }
            else
            {
                // addr-spec: no ';', '?' or ',' may appear in a bare URI (RFC 3261 §20.10).
                var start = r.Pos;
                while (!r.End && r.Peek is not (';' or ' ' or '\t' or '\r' or '\n'))
                {
                    r.Pos++;
                }

                var spec = r.Source[start..r.Pos];
                if (spec.IndexOfAny('?', ',') >= 0 || !SipUri.TryParse(spec, out uri))
                {
                    return false;
                }
            }
        }

        var parameters = new SipParameters();
        if (!SipParameters.TryParseHeaderParams(ref r, parameters))
        {
            return false;
        }

        r.SkipLws();
        if (!r.End)
        {
            return false;
        }

        value = new SipNameAddress(uri, display, parameters);
        return true;
    }

    private static bool TryReadAngleUri(ref SipTextReader r, out SipUri uri)
    {
        uri = null!;
        var rest = r.Rest;
        var gt = rest.IndexOf('>');
        if (gt < 0 || !SipUri.TryParse(rest[..gt], out uri))
        {
            return false;
        }

        r.Pos += gt + 1;
        return true;
    }

    private static bool IsTokenSequence(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!SipChars.IsWs(c) && (c >= 128 || !SipChars.IsToken((byte)c)))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString()
    {
        if (IsWildcard)
        {
            return "*";
        }

        var sb = new StringBuilder();
        if (!string.IsNullOrEmpty(DisplayName))
        {
            SipParameters.AppendQuoted(sb, DisplayName);
            sb.Append(' ');
        }

        sb.Append('<').Append(Uri).Append('>');
        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
