using System.Net;
using System.Text;

namespace FaxPost.Telephony.Sip;

/// <summary>One via-parm (RFC 3261 §20.42) with received/rport (RFC 3581).</summary>
public sealed class SipVia
{
    /// <summary>RFC 3261 §8.1.1.7: branch IDs from RFC 3261 compliant elements start with this.</summary>
    public const string MagicCookie = "z9hG4bK";

    public SipVia(string transport, string host, int? port, SipParameters? parameters = null)
    {
        Transport = transport.ToUpperInvariant();
        Host = host;
        Port = port;
        Parameters = parameters ?? new SipParameters();
    }

    /// <summary>Transport in upper case: UDP, TCP, TLS, SCTP, WS, WSS or anything else seen.</summary>
    public string Transport { get; }

    public string Host { get; }

    public int? Port { get; }

    public SipParameters Parameters { get; }

    public string? Branch => Parameters["branch"];

    public string? Received => Parameters["received"];

    /// <summary>RFC 3581 §4: "rport" present (with or without a value).</summary>
    public bool HasRPort => Parameters.Contains("rport");

    /// <summary>RFC 3581 §4: the port the server saw the request come from, when filled in.</summary>
    public int? RPort => int.TryParse(Parameters["rport"], System.Globalization.CultureInfo.InvariantCulture, out var p) ? p : null;

    /// <summary>
    /// What a server does to the top Via of a request it received (RFC 3261 §18.2.1, RFC 3581 §4):
    /// received= when the source address differs from sent-by, and rport= filled with the source
    /// port when the client asked for it.
    /// </summary>
    public SipVia WithReceivedFrom(string sourceAddress, int sourcePort)
    {
        var parameters = new SipParameters();
        foreach (var (name, value) in Parameters)
        {
            parameters.Set(name, value);
        }

        var hostAddress = Host.Trim('[', ']');
        if (HasRPort || !string.Equals(hostAddress, sourceAddress, StringComparison.OrdinalIgnoreCase))
        {
            parameters.Set("received", sourceAddress.Contains(':', StringComparison.Ordinal) ? $"[{sourceAddress}]" : sourceAddress);
        }

        if (HasRPort)
        {
            parameters.Set("rport", sourcePort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        return new SipVia(Transport, Host, Port, parameters);
    }

    /// <summary>
    /// Where a response to this Via goes over UDP (RFC 3261 §18.2.2, RFC 3581 §4): the received
    /// address if present else sent-by, and the rport value if present else the sent-by port or 5060.
    /// </summary>
    public (string Host, int Port) ResponseDestination(int defaultPort = 5060)
    {
        var host = Received is { Length: > 0 } received ? received.Trim('[', ']') : Host.Trim('[', ']');
        var port = RPort ?? Port ?? (Transport == "TLS" ? 5061 : defaultPort);
        return (host, port);
    }

    public static SipVia Parse(ReadOnlySpan<char> text) =>
        TryParse(text, out var via) ? via : throw new SipFormatException(SipParseErrorReason.BadHeaderValue, $"Not a valid Via: '{text}'");

    public static bool TryParse(ReadOnlySpan<char> text, out SipVia via)
    {
        via = null!;
        var r = new SipTextReader(text);
        r.SkipLws();

        // sent-protocol = protocol-name SLASH protocol-version SLASH transport; SLASH = SWS "/" SWS.
        var name = r.ReadToken();
        if (!name.Equals("SIP", StringComparison.OrdinalIgnoreCase) || !r.TryConsume('/'))
        {
            return false;
        }

        r.SkipLws();
        var version = r.ReadToken();
        if (version.IsEmpty || !r.TryConsume('/'))
        {
            return false;
        }

        r.SkipLws();
        var transport = r.ReadToken();
        var beforeLws = r.Pos;
        r.SkipLws();
        if (transport.IsEmpty || r.Pos == beforeLws)
        {
            return false;
        }

        string host;
        if (r.Peek == '[')
        {
            var close = r.Rest.IndexOf(']');
            if (close < 0 || !IPAddress.TryParse(r.Rest[1..close], out _))
            {
                return false;
            }

            host = new string(r.Rest[..(close + 1)]);
            r.Pos += close + 1;
        }
        else
        {
            var h = r.ReadWhile(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_');
            if (h.IsEmpty)
            {
                return false;
            }

            host = new string(h);
        }

        int? port = null;
        if (r.TryConsume(':'))
        {
            r.SkipLws();
            if (!SipChars.TryParseDigits(r.ReadWhile(char.IsAsciiDigit), 65535, out var p))
            {
                return false;
            }

            port = (int)p;
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

        via = new SipVia(new string(transport), host, port, parameters);
        return true;
    }

    public override string ToString()
    {
        var sb = new StringBuilder("SIP/2.0/").Append(Transport).Append(' ').Append(Host);
        if (Port is int p)
        {
            sb.Append(':').Append(p);
        }

        Parameters.AppendTo(sb);
        return sb.ToString();
    }
}
