using System.Buffers;
using System.Globalization;
using System.Text;

namespace FaxPost.Telephony.Sdp;

/// <summary>A session description (RFC 8866): session lines, then media sections in order.</summary>
public sealed class SdpSessionDescription
{
    public SdpSessionDescription(SdpOrigin origin, string sessionName = "-")
    {
        Origin = origin;
        SessionName = sessionName;
    }

    public int Version { get; set; }

    public SdpOrigin Origin { get; set; }

    public string SessionName { get; set; }

    public SdpConnection? Connection { get; set; }

    public List<string> Bandwidths { get; } = [];

    /// <summary>t= start and stop (NTP seconds); 0 0 is an unbounded session.</summary>
    public (ulong Start, ulong Stop) Timing { get; set; }

    public List<SdpAttribute> Attributes { get; } = [];

    public List<SdpMedia> Media { get; } = [];

    /// <summary>The connection that applies to a media section: its own c= or the session's (RFC 8866 §5.7).</summary>
    public SdpConnection? ConnectionFor(SdpMedia media) => media.Connection ?? Connection;

    public static SdpSessionDescription Parse(ReadOnlySpan<byte> utf8) => SdpParser.Parse(utf8);

    public static SdpSessionDescription Parse(string text) => SdpParser.Parse(Encoding.UTF8.GetBytes(text));

    public static bool TryParse(ReadOnlySpan<byte> utf8, out SdpSessionDescription description, out string? error)
    {
        try
        {
            description = SdpParser.Parse(utf8);
            error = null;
            return true;
        }
        catch (SdpFormatException ex)
        {
            description = null!;
            error = ex.Message;
            return false;
        }
    }

    /// <summary>Writes the description with CRLF line ends in the order RFC 8866 §5 prescribes.</summary>
    public void WriteTo(IBufferWriter<byte> output)
    {
        var text = ToString();
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    public byte[] ToArray() => Encoding.UTF8.GetBytes(ToString());

    public override string ToString()
    {
        var sb = new StringBuilder();
        Line(sb, 'v', Version.ToString(CultureInfo.InvariantCulture));
        Line(sb, 'o', Origin.ToString());
        Line(sb, 's', SessionName.Length == 0 ? "-" : SessionName);
        if (Connection is not null)
        {
            Line(sb, 'c', Connection.ToString());
        }

        foreach (var b in Bandwidths)
        {
            Line(sb, 'b', b);
        }

        Line(sb, 't', string.Create(CultureInfo.InvariantCulture, $"{Timing.Start} {Timing.Stop}"));
        foreach (var a in Attributes)
        {
            Line(sb, 'a', a.ToString());
        }

        foreach (var m in Media)
        {
            var port = m.PortCount is int n
                ? string.Create(CultureInfo.InvariantCulture, $"{m.Port}/{n}")
                : m.Port.ToString(CultureInfo.InvariantCulture);
            Line(sb, 'm', $"{m.Media} {port} {m.Protocol} {string.Join(' ', m.Formats)}");
            if (m.Connection is not null)
            {
                Line(sb, 'c', m.Connection.ToString());
            }

            foreach (var b in m.Bandwidths)
            {
                Line(sb, 'b', b);
            }

            foreach (var a in m.Attributes)
            {
                Line(sb, 'a', a.ToString());
            }
        }

        return sb.ToString();
    }

    private static void Line(StringBuilder sb, char type, string value) => sb.Append(type).Append('=').Append(value).Append("\r\n");
}
