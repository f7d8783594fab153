
namespace FaxPost.Telephony.Sip;

/// <summary>Typed header access. Each property parses on first use and keeps the result.</summary>
public abstract partial class SipMessage
{
    private IReadOnlyList<SipVia>? _vias;
    private SipNameAddress? _from;
    private SipNameAddress? _to;
    private SipCSeq? _cseq;
    private IReadOnlyList<SipNameAddress>? _contacts;
    private IReadOnlyList<SipNameAddress>? _routes;
    private IReadOnlyList<SipNameAddress>? _recordRoutes;

    /// <summary>All Via values, topmost first. Throws <see cref="SipFormatException"/> if one is malformed.</summary>
    public IReadOnlyList<SipVia> Vias => _vias ??= ParseList(SipHeaderKind.Via, static s => SipVia.TryParse(s, out var v) ? v : null);

    public SipVia? TopVia => Vias.Count > 0 ? Vias[0] : null;

    public SipNameAddress From => _from ??= ParseSingleAddress(SipHeaderKind.From);

    public SipNameAddress To => _to ??= ParseSingleAddress(SipHeaderKind.To);

    public string CallId => GetHeader(SipHeaderKind.CallId) ?? throw Missing(SipHeaderKind.CallId);

    public SipCSeq CSeq => _cseq ??= SipCSeq.TryParse(Required(SipHeaderKind.CSeq), out var c)
        ? c
        : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Malformed CSeq.");

    public IReadOnlyList<SipNameAddress> Contacts => _contacts ??= ParseAddressList(SipHeaderKind.Contact);

    public IReadOnlyList<SipNameAddress> Routes => _routes ??= ParseAddressList(SipHeaderKind.Route);

    public IReadOnlyList<SipNameAddress> RecordRoutes => _recordRoutes ??= ParseAddressList(SipHeaderKind.RecordRoute);

    public IReadOnlyList<SipNameAddress> PCalledPartyIds => ParseAddressList(SipHeaderKind.PCalledPartyId);

    public IReadOnlyList<SipNameAddress> Diversions => ParseAddressList(SipHeaderKind.Diversion);

    public IReadOnlyList<SipNameAddress> PAssertedIdentities => ParseAddressList(SipHeaderKind.PAssertedIdentity);

    /// <summary>Max-Forwards (0..255, RFC 3261 §20.22), or null when absent.</summary>
    public int? MaxForwards => ParseNumber(SipHeaderKind.MaxForwards, 255);

    /// <summary>Expires in seconds, or null. RFC 3261 §20.19: delta-seconds, capped at 2**32-1.</summary>
    public long? Expires => ParseDeltaSeconds(SipHeaderKind.Expires);

    public long? MinExpires => ParseDeltaSeconds(SipHeaderKind.MinExpires);

    /// <summary>Content-Type media type in lower case without parameters, e.g. "application/sdp".</summary>
    public string? ContentType
    {
        get
        {
            var value = GetHeader(SipHeaderKind.ContentType);
            if (value is null)
            {
                return null;
            }

            var semi = value.IndexOf(';', StringComparison.Ordinal);
            var media = semi < 0 ? value.AsSpan() : value.AsSpan(0, semi);
            return new string(SipChars.Trim(media)).Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant();
        }
    }

    /// <summary>Session-Expires (RFC 4028 §4): interval and refresher, or null.</summary>
    public SipSessionExpires? SessionExpires
    {
        get
        {
            var value = GetHeader(SipHeaderKind.SessionExpires);
            if (value is null)
            {
                return null;
            }

            var semi = value.IndexOf(';', StringComparison.Ordinal);
            var number = SipChars.Trim(semi < 0 ? value.AsSpan() : value.AsSpan(0, semi));
            if (!SipChars.TryParseDigits(number, uint.MaxValue, out var seconds))
            {
                throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Malformed Session-Expires.");
            }

            var parameters = new SipParameters();
            var r = new SipTextReader(semi < 0 ? [] : value.AsSpan(semi));
            if (!SipParameters.TryParseHeaderParams(ref r, parameters))
            {
                throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Malformed Session-Expires parameters.");
            }

            return new SipSessionExpires(seconds, parameters["refresher"]);
        }
    }

    /// <summary>Min-SE in seconds (RFC 4028 §5), or null.</summary>
    public long? MinSE
    {
        get
        {
            var value = GetHeader(SipHeaderKind.MinSE);
            if (value is null)
            {
                return null;
            }

            var semi = value.IndexOf(';', StringComparison.Ordinal);
            return SipChars.TryParseDigits(SipChars.Trim(semi < 0 ? value.AsSpan() : value.AsSpan(0, semi)), uint.MaxValue, out var v)
                ? v
                : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, "Malformed Min-SE.");
        }
    }

    public IReadOnlyList<string> Allow => GetHeaderValues(SipHeaderKind.Allow).Where(s => s.Length > 0).ToArray();

    public IReadOnlyList<string> Supported => GetHeaderValues(SipHeaderKind.Supported).Where(s => s.Length > 0).ToArray();

    public IReadOnlyList<string> Require => GetHeaderValues(SipHeaderKind.Require).Where(s => s.Length > 0).ToArray();

    public IReadOnlyList<string> ProxyRequire => GetHeaderValues(SipHeaderKind.ProxyRequire).Where(s => s.Length > 0).ToArray();

    /// <summary>Every WWW-Authenticate challenge value (a field holds one challenge: commas separate its parameters).</summary>
    public IReadOnlyList<string> WwwAuthenticate => AllRaw(SipHeaderKind.WwwAuthenticate);

    public IReadOnlyList<string> ProxyAuthenticate => AllRaw(SipHeaderKind.ProxyAuthenticate);

    public IReadOnlyList<string> Authorization => AllRaw(SipHeaderKind.Authorization);

    public IReadOnlyList<string> ProxyAuthorization => AllRaw(SipHeaderKind.ProxyAuthorization);

    private List<string> AllRaw(SipHeaderKind kind)
    {
        var list = new List<string>();
        for (var i = 0; i < HeaderCount; i++)
        {
            if (HeaderKind(i) == kind)
            {
                list.Add(HeaderValue(i));
            }
        }

        return list;
    }

    private string Required(SipHeaderKind kind) => GetHeader(kind) ?? throw Missing(kind);

    private static SipFormatException Missing(SipHeaderKind kind) =>
        new(SipParseErrorReason.MissingHeader, $"Missing {SipHeaderNames.CanonicalName(kind)} header.");

    private SipNameAddress ParseSingleAddress(SipHeaderKind kind) =>
        SipNameAddress.TryParse(Required(kind), out var value)
            ? value
            : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, $"Malformed {SipHeaderNames.CanonicalName(kind)} header.");

    private SipNameAddress[] ParseAddressList(SipHeaderKind kind) =>
        ParseList(kind, static s => SipNameAddress.TryParse(s, out var v) ? v : null);

    private T[] ParseList<T>(SipHeaderKind kind, Func<string, T?> parse)
        where T : class
    {
        var values = GetHeaderValues(kind);
        var result = new T[values.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = parse(values[i]) ?? throw new SipFormatException(
                SipParseErrorReason.BadHeaderValue, $"Malformed {SipHeaderNames.CanonicalName(kind)} value '{values[i]}'.");
        }

        return result;
    }

    private int? ParseNumber(SipHeaderKind kind, long max)
    {
        if (!TryGetHeader(kind, out var value))
        {
            return null;
        }

        return SipChars.TryParseDigits(value, max, out var n)
            ? (int)n
            : throw new SipFormatException(SipParseErrorReason.ValueOutOfRange, $"{SipHeaderNames.CanonicalName(kind)} is not a number up to {max}.");
    }

    private long? ParseDeltaSeconds(SipHeaderKind kind)
    {
        if (!TryGetHeader(kind, out var value))
        {
            return null;
        }

        foreach (var b in value)
        {
            if (!SipChars.IsDigit(b))
            {
                throw new SipFormatException(SipParseErrorReason.BadHeaderValue, $"{SipHeaderNames.CanonicalName(kind)} is not delta-seconds.");
            }
        }

        return SipChars.TryParseDigits(value, uint.MaxValue, out var n) ? n : uint.MaxValue;
    }
}

/// <summary>Session-Expires value (RFC 4028 §4): seconds and who refreshes ("uac", "uas" or null).</summary>
public readonly record struct SipSessionExpires(long Seconds, string? Refresher);
