using System.Globalization;
using System.Text;

namespace FaxPost.Telephony.Sdp;

/// <summary>
/// Line-by-line SDP parser (RFC 8866 §5) over bytes. Accepts CRLF or bare LF (§5: SHOULD accept LF),
/// ignores line types it does not use (i, u, e, p, z, k, r), and refuses what would mislead an
/// offer/answer: a missing v=0 first line, bad m= or c= lines, or more than the limits allow.
/// </summary>
internal static class SdpParser
{
    public const int MaxBytes = 64 * 1024;
    public const int MaxLines = 1024;
    public const int MaxMedia = 32;

    public static SdpSessionDescription Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length > MaxBytes)
        {
            throw new SdpFormatException(0, $"description longer than {MaxBytes} bytes");
        }

        SdpSessionDescription? session = null;
        SdpMedia? media = null;
        var lineNo = 0;
        var sawVersion = false;
        while (!data.IsEmpty)
        {
            var lf = data.IndexOf((byte)'\n');
            var raw = lf < 0 ? data : data[..lf];
            data = lf < 0 ? [] : data[(lf + 1)..];
            if (!raw.IsEmpty && raw[^1] == '\r')
            {
                raw = raw[..^1];
            }

            lineNo++;
            if (lineNo > MaxLines)
            {
                throw new SdpFormatException(lineNo, "too many lines");
            }

            if (raw.IsEmpty)
            {
                continue;
            }

            if (raw.Length < 2 || raw[1] != '=' || !char.IsAsciiLetterLower((char)raw[0]))
            {
                throw new SdpFormatException(lineNo, "not a <type>=<value> line");
            }

            var type = (char)raw[0];
            string value;
            try
            {
                value = Utf8.GetString(raw[2..]);
            }
            catch (DecoderFallbackException)
            {
                throw new SdpFormatException(lineNo, "not UTF-8");
            }

            if (!sawVersion)
            {
                if (type != 'v' || value.Trim() != "0")
                {
                    throw new SdpFormatException(lineNo, "the first line must be v=0");
                }

                sawVersion = true;
                session = new SdpSessionDescription(new SdpOrigin("-", "0", 0, "IN", "IP4", "0.0.0.0"));
                continue;
            }

            switch (type)
            {
                case 'o':
                    session!.Origin = ParseOrigin(value, lineNo);
                    break;
                case 's':
                    session!.SessionName = value;
                    break;
                case 'c':
                    var connection = ParseConnection(value, lineNo);
                    if (media is null)
                    {
                        session!.Connection = connection;
                    }
                    else
                    {
                        media.Connection = connection;
                    }

                    break;
                case 'b':
                    (media?.Bandwidths ?? session!.Bandwidths).Add(value);
                    break;
                case 't':
                    session!.Timing = ParseTiming(value, lineNo);
                    break;
                case 'a':
                    (media?.Attributes ?? session!.Attributes).Add(ParseAttribute(value));
                    break;
                case 'm':
                    if (session!.Media.Count >= MaxMedia)
                    {
                        throw new SdpFormatException(lineNo, "too many media sections");
                    }

                    media = ParseMedia(value, lineNo);
                    session.Media.Add(media);
                    break;
                case 'v':
                    throw new SdpFormatException(lineNo, "a second v= line");
                default:
                    break; // i, u, e, p, z, k, r: not used by us (RFC 8866 §5.4-5.12).
            }
        }

        return session ?? throw new SdpFormatException(0, "empty description");
    }

    private static readonly UTF8Encoding Utf8 = new(false, true);

    private static SdpOrigin ParseOrigin(string value, int line)
    {
        // o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>
        var r = new Fields(value);
        var user = r.Next();
        var id = r.Next();
        var version = r.Next();
        var net = r.Next();
        var addrType = r.Next();
        var address = r.Next();
        if (address is null || r.Next() is not null ||
            !ulong.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var v))
        {
            throw new SdpFormatException(line, "malformed o= line");
        }

        return new SdpOrigin(user!, id!, v, net!, addrType!, address);
    }

    private static SdpConnection ParseConnection(string value, int line)
    {
        var r = new Fields(value);
        var net = r.Next();
        var addrType = r.Next();
        var address = r.Next();
        if (address is null || r.Next() is not null || !net!.Equals("IN", StringComparison.OrdinalIgnoreCase) ||
            !(addrType!.Equals("IP4", StringComparison.OrdinalIgnoreCase) || addrType.Equals("IP6", StringComparison.OrdinalIgnoreCase)))
        {
            throw new SdpFormatException(line, "malformed c= line");
        }

        return new SdpConnection(net, addrType.ToUpperInvariant(), address);
    }

    private static (ulong, ulong) ParseTiming(string value, int line)
    {
        var r = new Fields(value);
        if (!ulong.TryParse(r.Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
            !ulong.TryParse(r.Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var stop))
        {
            throw new SdpFormatException(line, "malformed t= line");
        }

        return (start, stop);
    }

    private static SdpAttribute ParseAttribute(string value)
    {
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? new SdpAttribute(value.Trim(), null) : new SdpAttribute(value[..colon].Trim(), value[(colon + 1)..].Trim());
    }

    private static SdpMedia ParseMedia(string value, int line)
    {
        // m=<media> <port>[/<number of ports>] <proto> <fmt> ...
        var r = new Fields(value);
        var kind = r.Next();
        var portField = r.Next();
        var proto = r.Next();
        if (proto is null)
        {
            throw new SdpFormatException(line, "malformed m= line");
        }

        var slash = portField!.IndexOf('/', StringComparison.Ordinal);
        int? count = null;
        if (!int.TryParse(slash < 0 ? portField : portField[..slash], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new SdpFormatException(line, "bad port in m= line");
        }

        if (slash >= 0)
        {
            if (!int.TryParse(portField[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                throw new SdpFormatException(line, "bad port count in m= line");
            }

            count = n;
        }

        var formats = new List<string>();
        while (r.Next() is { } f)
        {
            formats.Add(f);
        }

        if (formats.Count == 0)
        {
            throw new SdpFormatException(line, "m= line without formats");
        }

        return new SdpMedia(kind!, port, proto, formats) { PortCount = count };
    }

    internal static bool TryParseRtpMap(string value, out SdpRtpMap map)
    {
        // <payload type> <encoding name>/<clock rate>[/<encoding parameters>]
        map = null!;
        var r = new Fields(value);
        var pt = r.Next();
        var encoding = r.Next();
        if (encoding is null || !int.TryParse(pt, NumberStyles.None, CultureInfo.InvariantCulture, out var payloadType) || payloadType > 127)
        {
            return false;
        }

        var first = encoding.IndexOf('/', StringComparison.Ordinal);
        if (first <= 0)
        {
            return false;
        }

        var rest = encoding[(first + 1)..];
        var second = rest.IndexOf('/', StringComparison.Ordinal);
        int? channels = null;
        if (second >= 0)
        {
            if (!int.TryParse(rest[(second + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var c))
            {
                return false;
            }

            channels = c;
            rest = rest[..second];
        }

        if (!int.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out var clock))
        {
            return false;
        }

        map = new SdpRtpMap(payloadType, encoding[..first], clock, channels);
        return true;
    }

    /// <summary>Space-separated fields of a line, without allocating an array of parts.</summary>
    private ref struct Fields
    {
        private readonly string _s;
        private int _pos;

        public Fields(string s)
        {
            _s = s;
            _pos = 0;
        }

        public string? Next()
        {
            while (_pos < _s.Length && _s[_pos] is ' ' or '\t')
            {
                _pos++;
            }

            if (_pos >= _s.Length)
            {
                return null;
            }

            var start = _pos;
            while (_pos < _s.Length && _s[_pos] is not (' ' or '\t'))
            {
                _pos++;
            }

            return _s[start.._pos];
        }
    }
}
