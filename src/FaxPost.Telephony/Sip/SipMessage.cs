using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>
/// A parsed SIP message. It owns one byte array (start line, headers, body); header values stay
/// slices of it until a typed property asks for them, and each typed value is parsed once.
/// </summary>
public abstract partial class SipMessage
{
    private readonly byte[] _data;
    private readonly SipHeaderField[] _fields;
    private readonly int _bodyOffset;
    private readonly int _bodyLength;

    private protected SipMessage(byte[] data, SipHeaderField[] fields, int bodyOffset, int bodyLength)
    {
        _data = data;
        _fields = fields;
        _bodyOffset = bodyOffset;
        _bodyLength = bodyLength;
    }

    public abstract bool IsRequest { get; }

    /// <summary>The message exactly as received (folded lines already turned into spaces).</summary>
    public ReadOnlyMemory<byte> RawBytes => _data;

    public ReadOnlyMemory<byte> Body => _data.AsMemory(_bodyOffset, _bodyLength);

    public int HeaderCount => _fields.Length;

    public SipHeaderKind HeaderKind(int index) => _fields[index].Kind;

    /// <summary>The header name as it was written (possibly compact, any case).</summary>
    public ReadOnlySpan<byte> HeaderNameBytes(int index) => _data.AsSpan(_fields[index].NameStart, _fields[index].NameLength);

    public ReadOnlySpan<byte> HeaderValueBytes(int index) => _data.AsSpan(_fields[index].ValueStart, _fields[index].ValueLength);

    public string HeaderName(int index) => Encoding.ASCII.GetString(HeaderNameBytes(index));

    public string HeaderValue(int index) => Encoding.UTF8.GetString(HeaderValueBytes(index));

    private protected ReadOnlySpan<byte> Slice(int start, int length) => _data.AsSpan(start, length);

    /// <summary>First value of a known header, full or compact name alike.</summary>
    public bool TryGetHeader(SipHeaderKind kind, out ReadOnlySpan<byte> value)
    {
        foreach (var f in _fields)
        {
            if (f.Kind == kind && kind != SipHeaderKind.Unknown)
            {
                value = _data.AsSpan(f.ValueStart, f.ValueLength);
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>First value of a header by name (case-insensitive; compact and full names of known headers match).</summary>
    public bool TryGetHeader(string name, out ReadOnlySpan<byte> value)
    {
        var index = IndexOf(name, 0);
        value = index < 0 ? default : HeaderValueBytes(index);
        return index >= 0;
    }

    public string? GetHeader(SipHeaderKind kind) => TryGetHeader(kind, out var v) ? Encoding.UTF8.GetString(v) : null;

    public string? GetHeader(string name) => TryGetHeader(name, out var v) ? Encoding.UTF8.GetString(v) : null;

    /// <summary>How many header fields (lines, not list items) of this kind the message has.</summary>
    public int CountHeaders(SipHeaderKind kind)
    {
        var n = 0;
        foreach (var f in _fields)
        {
            n += f.Kind == kind ? 1 : 0;
        }

        return n;
    }

    /// <summary>
    /// Every comma-separated value of a header, across all its fields in order (RFC 3261 §7.3.1:
    /// "Via: a, b" equals two Via lines). Commas inside quotes or &lt;&gt; do not split.
    /// </summary>
    public IReadOnlyList<string> GetHeaderValues(SipHeaderKind kind)
    {
        List<string>? all = null;
        foreach (var f in _fields)
        {
            if (f.Kind == kind)
            {
                (all ??= []).AddRange(SipTextReader.SplitList(Encoding.UTF8.GetString(_data, f.ValueStart, f.ValueLength)));
            }
        }

        return all ?? (IReadOnlyList<string>)[];
    }

    public IReadOnlyList<string> GetHeaderValues(string name)
    {
        var kind = SipHeaderNames.Lookup(name.AsSpan());
        if (kind != SipHeaderKind.Unknown)
        {
            return GetHeaderValues(kind);
        }

        var all = new List<string>();
        for (var i = IndexOf(name, 0); i >= 0; i = IndexOf(name, i + 1))
        {
            all.AddRange(SipTextReader.SplitList(HeaderValue(i)));
        }

        return all;
    }

    private int IndexOf(string name, int from)
    {
        var kind = SipHeaderNames.Lookup(name.AsSpan());
        for (var i = from; i < _fields.Length; i++)
        {
            var f = _fields[i];
            if (kind != SipHeaderKind.Unknown ? f.Kind == kind : NameEquals(f, name))
            {
                return i;
            }
        }

        return -1;
    }

    private bool NameEquals(SipHeaderField f, string name)
    {
        if (f.NameLength != name.Length)
        {
            return false;
        }

        var bytes = _data.AsSpan(f.NameStart, f.NameLength);
        for (var i = 0; i < bytes.Length; i++)
        {
            if (char.ToLowerInvariant((char)bytes[i]) != char.ToLowerInvariant(name[i]))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Encoding.UTF8.GetString(_data);
}
