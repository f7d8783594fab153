using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>Header names: canonical spelling, compact forms and a case-insensitive lookup on bytes.</summary>
public static class SipHeaderNames
{
    private static readonly string[] Canonical = new string[(int)SipHeaderKind.IdentityInfo + 1];
    private static readonly char[] CompactForm = new char[(int)SipHeaderKind.IdentityInfo + 1];
    private static readonly SipHeaderKind[] ByCompact = new SipHeaderKind[128];
    private static readonly (byte[] Name, SipHeaderKind Kind)[][] ByLength;

    static SipHeaderNames()
    {
        // RFC 3261 §7.3.3 and §20 (compact forms), plus RFC 3515 (r), 3892 (b), 4028 (x), 6665 (o, u), 3841 (a, j, d), 4474 (y, n).
        Add(SipHeaderKind.Via, "Via", 'v');
        Add(SipHeaderKind.From, "From", 'f');
        Add(SipHeaderKind.To, "To", 't');
        Add(SipHeaderKind.CallId, "Call-ID", 'i');
        Add(SipHeaderKind.CSeq, "CSeq");
        Add(SipHeaderKind.Contact, "Contact", 'm');
        Add(SipHeaderKind.Route, "Route");
        Add(SipHeaderKind.RecordRoute, "Record-Route");
        Add(SipHeaderKind.MaxForwards, "Max-Forwards");
        Add(SipHeaderKind.ContentType, "Content-Type", 'c');
        Add(SipHeaderKind.ContentLength, "Content-Length", 'l');
        Add(SipHeaderKind.ContentEncoding, "Content-Encoding", 'e');
        Add(SipHeaderKind.ContentDisposition, "Content-Disposition");
        Add(SipHeaderKind.Expires, "Expires");
        Add(SipHeaderKind.MinExpires, "Min-Expires");
        Add(SipHeaderKind.WwwAuthenticate, "WWW-Authenticate");
        Add(SipHeaderKind.ProxyAuthenticate, "Proxy-Authenticate");
        Add(SipHeaderKind.Authorization, "Authorization");
        Add(SipHeaderKind.ProxyAuthorization, "Proxy-Authorization");
        Add(SipHeaderKind.SessionExpires, "Session-Expires", 'x');
        Add(SipHeaderKind.MinSE, "Min-SE");
        Add(SipHeaderKind.PCalledPartyId, "P-Called-Party-ID");
        Add(SipHeaderKind.PAssertedIdentity, "P-Asserted-Identity");
        Add(SipHeaderKind.Diversion, "Diversion");
        Add(SipHeaderKind.Allow, "Allow");
        Add(SipHeaderKind.Supported, "Supported", 'k');
        Add(SipHeaderKind.Require, "Require");
        Add(SipHeaderKind.ProxyRequire, "Proxy-Require");
        Add(SipHeaderKind.Unsupported, "Unsupported");
        Add(SipHeaderKind.Accept, "Accept");
        Add(SipHeaderKind.AcceptEncoding, "Accept-Encoding");
        Add(SipHeaderKind.Subject, "Subject", 's');
        Add(SipHeaderKind.Event, "Event", 'o');
        Add(SipHeaderKind.AllowEvents, "Allow-Events", 'u');
        Add(SipHeaderKind.ReferTo, "Refer-To", 'r');
        Add(SipHeaderKind.ReferredBy, "Referred-By", 'b');
        Add(SipHeaderKind.UserAgent, "User-Agent");
        Add(SipHeaderKind.Server, "Server");
        Add(SipHeaderKind.Date, "Date");
        Add(SipHeaderKind.Timestamp, "Timestamp");
        Add(SipHeaderKind.RetryAfter, "Retry-After");
        Add(SipHeaderKind.Reason, "Reason");
        Add(SipHeaderKind.RSeq, "RSeq");
        Add(SipHeaderKind.RAck, "RAck");
        Add(SipHeaderKind.AcceptContact, "Accept-Contact", 'a');
        Add(SipHeaderKind.RejectContact, "Reject-Contact", 'j');
        Add(SipHeaderKind.RequestDisposition, "Request-Disposition", 'd');
        Add(SipHeaderKind.Identity, "Identity", 'y');
        Add(SipHeaderKind.IdentityInfo, "Identity-Info", 'n');

        var max = Canonical.Max(n => n?.Length ?? 0);
        var buckets = new List<(byte[], SipHeaderKind)>[max + 1];
        for (var i = 1; i < Canonical.Length; i++)
        {
            var name = Canonical[i];
            (buckets[name.Length] ??= []).Add((Encoding.ASCII.GetBytes(name), (SipHeaderKind)i));
        }

        ByLength = buckets.Select(b => b?.ToArray() ?? []).ToArray();
    }

    private static void Add(SipHeaderKind kind, string name, char compact = '\0')
    {
        Canonical[(int)kind] = name;
        CompactForm[(int)kind] = compact;
        if (compact != '\0')
        {
            ByCompact[compact] = kind;
            ByCompact[char.ToUpperInvariant(compact)] = kind;
        }
    }

    /// <summary>The full name as RFC 3261 spells it, or null for <see cref="SipHeaderKind.Unknown"/>.</summary>
    public static string? CanonicalName(SipHeaderKind kind) => kind == SipHeaderKind.Unknown ? null : Canonical[(int)kind];

    /// <summary>The one-letter compact form, or '\0' when the header has none.</summary>
    public static char CompactName(SipHeaderKind kind) => CompactForm[(int)kind];

    /// <summary>Which known header a name (full or compact, any case) denotes.</summary>
    public static SipHeaderKind Lookup(ReadOnlySpan<byte> name)
    {
        if (name.Length == 1)
        {
            var c = name[0];
            return c < 128 ? ByCompact[c] : SipHeaderKind.Unknown;
        }

        if (name.Length >= ByLength.Length)
        {
            return SipHeaderKind.Unknown;
        }

        foreach (var (candidate, kind) in ByLength[name.Length])
        {
            if (Ascii.EqualsIgnoreCase(candidate, name))
            {
                return kind;
            }
        }

        return SipHeaderKind.Unknown;
    }

    public static SipHeaderKind Lookup(ReadOnlySpan<char> name)
    {
        Span<byte> bytes = stackalloc byte[64];
        if (name.Length > bytes.Length || Ascii.FromUtf16(name, bytes, out var written) != System.Buffers.OperationStatus.Done)
        {
            return SipHeaderKind.Unknown;
        }

        return Lookup(bytes[..written]);
    }
}
