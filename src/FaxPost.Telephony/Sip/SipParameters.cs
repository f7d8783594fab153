using System.Collections;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// Ordered header or URI parameters (";name=value" or ";name"); names compare case-insensitively
/// (RFC 3261 §7.3.1). A flag parameter has a null value.
/// </summary>
public sealed class SipParameters : IReadOnlyList<KeyValuePair<string, string?>>
{
    private readonly List<KeyValuePair<string, string?>> _items = [];

    public static SipParameters Empty { get; } = new();

    public int Count => _items.Count;

    public KeyValuePair<string, string?> this[int index] => _items[index];

    /// <summary>The value of <paramref name="name"/>, or null when absent or a flag.</summary>
    public string? this[string name] => TryGet(name, out var value) ? value : null;

    public bool Contains(string name) => TryGet(name, out _);

    public bool TryGet(string name, out string? value)
    {
        foreach (var kv in _items)
        {
            if (string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                value = kv.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    /// <summary>Adds or replaces a parameter (builders only: parsed messages are not changed).</summary>
    public SipParameters Set(string name, string? value)
    {
        for (var i = 0; i < _items.Count; i++)
        {
            if (string.Equals(_items[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                _items[i] = new(name, value);
                return this;
            }
        }

        _items.Add(new(name, value));
        return this;
    }

    public SipParameters Remove(string name)
    {
        _items.RemoveAll(kv => string.Equals(kv.Key, name, StringComparison.OrdinalIgnoreCase));
        return this;
    }

    internal void Add(string name, string? value) => _items.Add(new(name, value));

    public IEnumerator<KeyValuePair<string, string?>> GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Appends ";name=value" for each, quoting values that are not tokens or hosts.</summary>
    internal void AppendTo(StringBuilder sb)
    {
        foreach (var (name, value) in _items)
        {
            sb.Append(';').Append(name);
            if (value is not null)
            {
                sb.Append('=');
                if (value.Length > 0 && IsGenValue(value))
                {
                    sb.Append(value);
                }
                else
                {
                    AppendQuoted(sb, value);
                }
            }
        }
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    internal static void AppendQuoted(StringBuilder sb, string value)
    {
        sb.Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c);
        }

        sb.Append('"');
    }

    private static bool IsGenValue(string value)
    {
        foreach (var c in value)
        {
            if (!IsGenValueChar(c))
            {
                return false;
            }
        }

        return true;
    }

    // gen-value = token / host / quoted-string: host adds ':' '[' ']' (IPv6 references).
    private static bool IsGenValueChar(char c) => (c < 128 && SipChars.IsToken((byte)c)) || c is ':' or '[' or ']';

    /// <summary>
    /// Parses *( SEMI generic-param ) at the reader, stopping at a top-level ',' or the end.
    /// generic-param = token [ EQUAL gen-value ] (RFC 3261 §25.1).
    /// </summary>
    internal static bool TryParseHeaderParams(ref SipTextReader r, SipParameters into)
    {
        while (true)
        {
            var save = r.Pos;
            r.SkipLws();
            if (r.End || r.Peek == ',')
            {
                r.Pos = save;
                return true;
            }

            if (!r.TryConsume(';'))
            {
                return false;
            }

            r.SkipLws();
            var name = r.ReadToken();
            if (name.IsEmpty)
            {
                return false;
            }

            string? value = null;
            if (r.TryConsume('='))
            {
                r.SkipLws();
                if (r.Peek == '"')
                {
                    if (!r.TryReadQuoted(out var quoted))
                    {
                        return false;
                    }

                    value = quoted;
                }
                else
                {
                    var v = r.ReadWhile(IsGenValueChar);
                    if (v.IsEmpty)
                    {
                        return false;
                    }

                    value = new string(v);
                }
            }

            into.Add(new string(name), value);
        }
    }
}
