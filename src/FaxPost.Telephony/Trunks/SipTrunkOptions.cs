using System.Net;

namespace FaxPost.Telephony.Trunks;

/// <summary>How a trunk brings a call to T.38 (issue 5's field lessons: per trunk, not global).</summary>
public enum T38Policy
{
    /// <summary>We send the re-INVITE to T.38 as soon as the call is answered (either direction).</summary>
    Offer = 1,

    /// <summary>We wait for the peer's re-INVITE (gateways that insist on starting T.38 themselves).</summary>
    AwaitPeer = 2,

    /// <summary>No T.38: fax over G.711 audio (needs the audio modems, which FaxPost does not have yet).</summary>
    AudioOnly = 3,
}

/// <summary>Where an inbound INVITE carries the number the caller dialled.</summary>
public enum CalledNumberSource
{
    /// <summary>The user part of the Request-URI (RFC 3261 §8.1.1.1: the request's target).</summary>
    RequestUri = 1,

    /// <summary>The To header's URI (PBXs that rewrite the Request-URI to our registered contact).</summary>
    To = 2,

    /// <summary>P-Called-Party-ID (RFC 3455 §4.2), as IMS carriers set it.</summary>
    PCalledPartyId = 3,

    /// <summary>The originally called number in Diversion (RFC 5806), for faxes forwarded to us.</summary>
    Diversion = 4,
}

/// <summary>How a trunk wants numbers written (outbound Request-URI/To, and inbound dialled numbers).</summary>
public enum TrunkNumberFormat
{
    /// <summary>"+4930123456".</summary>
    E164 = 1,

    /// <summary>"4930123456".</summary>
    E164WithoutPlus = 2,

    /// <summary>"030123456" at home, "0044..." abroad (the organisation's national and international prefixes).</summary>
    National = 3,

    /// <summary>As <see cref="National"/> behind the PBX's access code: "0030123456".</summary>
    NationalWithAccessCode = 4,
}

/// <summary>A least-cost-routing entry: numbers starting with <see cref="Prefix"/> go over this trunk at <see cref="Cost"/>.</summary>
public sealed class TrunkRoute
{
    /// <summary>E.164 prefix like "+49" or "+4989"; "+" alone matches every number.</summary>
    public string Prefix { get; set; } = "+";

    /// <summary>Lower is preferred; equal costs keep the trunks' configured order.</summary>
    public int Cost { get; set; }
}

/// <summary>One SIP trunk: a carrier or a PBX we register with (or that knows our address) and send calls through.</summary>
public sealed class SipTrunkOptions
{
    public string Name { get; set; } = "";

    /// <summary>"host[:port]" of the registrar; also where calls go unless <see cref="Proxy"/> is set.</summary>
    public string Registrar { get; set; } = "";

    /// <summary>"host[:port]" of an outbound proxy for calls; empty to use the registrar.</summary>
    public string Proxy { get; set; } = "";

    /// <summary>The SIP domain of our address of record and of callees; empty for the registrar's host.</summary>
    public string Domain { get; set; } = "";

    public SipTrunkTransport Transport { get; set; } = SipTrunkTransport.Udp;

    /// <summary>Whether we REGISTER (a carrier trunk); false for a PBX or carrier that sends to a fixed address.</summary>
    public bool Register { get; set; } = true;

    /// <summary>Registration lifetime we ask for, in seconds (RFC 3261 §10.2.1.1).</summary>
    public int RegisterExpires { get; set; } = 600;

    /// <summary>User part of our address of record (often the trunk's account number).</summary>
    public string Username { get; set; } = "";

    /// <summary>Digest user name when it differs from <see cref="Username"/>.</summary>
    public string AuthUsername { get; set; } = "";

    /// <summary>Digest password. Never logged.</summary>
    public string Password { get; set; } = "";

    /// <summary>Caller ID for outbound calls (E.164, "+49891234"); empty for the sending mailbox's own number.</summary>
    public string FromNumber { get; set; } = "";

    public string FromDisplayName { get; set; } = "";

    /// <summary>Simultaneous calls this trunk carries (the contract's channel count).</summary>
    public int Channels { get; set; } = 2;

    public T38Policy T38 { get; set; } = T38Policy.Offer;

    /// <summary>Which destinations this trunk carries and at what cost; empty for every number at cost 0.</summary>
    public List<TrunkRoute> Routes { get; set; } = [];

    public TrunkNumberFormat NumberFormat { get; set; } = TrunkNumberFormat.E164;

    /// <summary>Digits put in front of every outbound number (carrier selection, a PBX's technical prefix).</summary>
    public string DialPrefix { get; set; } = "";

    /// <summary>Addresses (IP or CIDR, e.g. "192.0.2.0/24") INVITEs from this trunk may come from, besides the registrar and proxy.</summary>
    public List<string> InboundAddresses { get; set; } = [];

    public CalledNumberSource CalledNumber { get; set; } = CalledNumberSource.RequestUri;

    /// <summary>After this many failed tries in a row to one destination, the next try is slower and without ECM; 0 never.</summary>
    public int FallbackAfterFailures { get; set; } = 2;

    /// <summary>The highest bit rate of a fall-back try: 9600 (V.29, V.27ter) or 4800 (V.27ter only).</summary>
    public int FallbackMaxBitRate { get; set; } = 9600;

    /// <summary>The digest user name actually sent.</summary>
    public string EffectiveAuthUsername => AuthUsername.Length > 0 ? AuthUsername : Username;

    /// <summary>Where calls go: the proxy if set, else the registrar.</summary>
    public string CallTarget => Proxy.Length > 0 ? Proxy : Registrar;

    /// <summary>Our and the callees' SIP domain.</summary>
    public string EffectiveDomain => Domain.Length > 0 ? Domain : (TrunkHostPort.TryParse(Registrar, out var hp) ? hp.Host : Registrar);

    internal void Validate(string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(Name) || !Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
        {
            errors.Add($"{key}:Name must be a short name of letters, digits, '-', '_' or '.', not '{Name}'.");
        }

        if (!TrunkHostPort.TryParse(Registrar, out _))
        {
            errors.Add($"{key}:Registrar must be 'host' or 'host:port' (IPv6 as [addr]:port), not '{Registrar}'.");
        }

        if (Proxy.Length > 0 && !TrunkHostPort.TryParse(Proxy, out _))
        {
            errors.Add($"{key}:Proxy must be 'host' or 'host:port', not '{Proxy}'.");
        }

        if (Domain.Length > 0 && Uri.CheckHostName(Domain) == UriHostNameType.Unknown)
        {
            errors.Add($"{key}:Domain must be a host name, not '{Domain}'.");
        }

        if (Register && Username.Length == 0)
        {
            errors.Add($"{key}:Username is required when the trunk registers (or set Register to false).");
        }

        if (Username.Any(c => c <= ' ' || c is '@' or ':' or '<' or '>' or '"'))
        {
            errors.Add($"{key}:Username must not contain spaces, '@', ':', '<', '>' or quotes.");
        }

        if (EffectiveAuthUsername.Length > 0 && Password.Length == 0 && Register)
        {
            errors.Add($"{key}:Password is required for a registering trunk.");
        }

        if (RegisterExpires is < 60 or > 86400)
        {
            errors.Add($"{key}:RegisterExpires must be between 60 and 86400 seconds, not {RegisterExpires}.");
        }

        if (FromNumber.Length > 0 && !IsE164(FromNumber))
        {
            errors.Add($"{key}:FromNumber must be an E.164 number like +49891234, not '{FromNumber}'.");
        }

        if (FromDisplayName.Any(c => c is '"' or '\\' or '\r' or '\n'))
        {
            errors.Add($"{key}:FromDisplayName must not contain quotes, backslashes or line breaks.");
        }

        if (Channels is < 1 or > 1000)
        {
            errors.Add($"{key}:Channels must be between 1 and 1000, not {Channels}.");
        }

        for (var r = 0; r < Routes.Count; r++)
        {
            var route = Routes[r];
            if (route.Prefix != "+" && !IsE164Prefix(route.Prefix))
            {
                errors.Add($"{key}:Routes:{r}:Prefix must be an E.164 prefix like +49 or + for every number, not '{route.Prefix}'.");
            }

            if (route.Cost < 0)
            {
                errors.Add($"{key}:Routes:{r}:Cost must not be negative.");
            }
        }

        if (!DialPrefix.All(c => char.IsAsciiDigit(c) || c is '*' or '#'))
        {
            errors.Add($"{key}:DialPrefix may hold only digits, '*' and '#', not '{DialPrefix}'.");
        }

        for (var a = 0; a < InboundAddresses.Count; a++)
        {
            if (!AddressRange.TryParse(InboundAddresses[a], out _))
            {
                errors.Add($"{key}:InboundAddresses:{a} must be an IP address or a CIDR range like 192.0.2.0/24, not '{InboundAddresses[a]}'.");
            }
        }

        if (FallbackAfterFailures is < 0 or > 100)
        {
            errors.Add($"{key}:FallbackAfterFailures must be between 0 (never) and 100.");
        }

        if (FallbackMaxBitRate is not (9600 or 4800))
        {
            errors.Add($"{key}:FallbackMaxBitRate must be 9600 or 4800, not {FallbackMaxBitRate}.");
        }
    }

    internal static bool IsE164(string s) => s.Length is >= 3 and <= 16 && s[0] == '+' && s[1] != '0' && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;

    private static bool IsE164Prefix(string s) => s.Length is >= 2 and <= 16 && s[0] == '+' && s.AsSpan(1).IndexOfAnyExceptInRange('0', '9') < 0;
}

/// <summary>"host", "host:port", "[v6]" or "[v6]:port" as written in a trunk's settings.</summary>
public readonly record struct TrunkHostPort(string Host, int? Port)
{
    public static bool TryParse(string? text, out TrunkHostPort value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text) || text.Length > 255)
        {
            return false;
        }

        string host;
        ReadOnlySpan<char> rest;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || !IPAddress.TryParse(text.AsSpan(1, close - 1), out var v6) || v6.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
            {
                return false;
            }

            host = text[..(close + 1)];
            rest = text.AsSpan(close + 1);
        }
        else
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            host = colon < 0 ? text : text[..colon];
            rest = colon < 0 ? [] : text.AsSpan(colon);
            if (Uri.CheckHostName(host) is not (UriHostNameType.Dns or UriHostNameType.IPv4))
            {
                return false;
            }
        }

        int? port = null;
        if (!rest.IsEmpty)
        {
            if (rest[0] != ':' || !int.TryParse(rest[1..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                return false;
            }

            port = p;
        }

        value = new TrunkHostPort(host, port);
        return true;
    }

    public override string ToString() => Port is int p ? $"{Host}:{p}" : Host;
}
