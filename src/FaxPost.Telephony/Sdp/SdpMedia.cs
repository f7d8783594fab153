using System.Globalization;

namespace FaxPost.Telephony.Sdp;

/// <summary>One m= section (RFC 8866 §5.14) with its c=, b= and a= lines.</summary>
public sealed class SdpMedia
{
    public SdpMedia(string media, int port, string protocol, IEnumerable<string> formats)
    {
        Media = media;
        Port = port;
        Protocol = protocol;
        Formats = [.. formats];
    }

    /// <summary>"audio", "image", "video"...</summary>
    public string Media { get; set; }

    /// <summary>Transport port; 0 means the stream is rejected or disabled (RFC 3264 §6).</summary>
    public int Port { get; set; }

    public int? PortCount { get; set; }

    /// <summary>"RTP/AVP", "udptl", "UDPTL"...</summary>
    public string Protocol { get; set; }

    /// <summary>Payload types for RTP, "t38" for UDPTL.</summary>
    public List<string> Formats { get; }

    public SdpConnection? Connection { get; set; }

    public List<string> Bandwidths { get; } = [];

    public List<SdpAttribute> Attributes { get; } = [];

    public bool IsAudio => Media.Equals("audio", StringComparison.OrdinalIgnoreCase);

    /// <summary>m=image &lt;port&gt; udptl t38 (T.38 Annex D).</summary>
    public bool IsT38 => Media.Equals("image", StringComparison.OrdinalIgnoreCase) &&
        Protocol.Equals("udptl", StringComparison.OrdinalIgnoreCase) &&
        Formats.Exists(f => f.Equals("t38", StringComparison.OrdinalIgnoreCase));

    public string? Attribute(string name) =>
        Attributes.Find(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Value;

    public bool HasAttribute(string name) =>
        Attributes.Exists(a => a.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    public SdpDirection Direction
    {
        get
        {
            foreach (var a in Attributes)
            {
                switch (a.Name.ToLowerInvariant())
                {
                    case "sendrecv": return SdpDirection.SendRecv;
                    case "sendonly": return SdpDirection.SendOnly;
                    case "recvonly": return SdpDirection.RecvOnly;
                    case "inactive": return SdpDirection.Inactive;
                }
            }

            return SdpDirection.SendRecv;
        }
    }

    /// <summary>rtpmap lines; static payload types 0 (PCMU) and 8 (PCMA) are implied when listed without one (RFC 3551 §6).</summary>
    public IReadOnlyList<SdpRtpMap> RtpMaps
    {
        get
        {
            var maps = new List<SdpRtpMap>();
            foreach (var format in Formats)
            {
                if (!int.TryParse(format, NumberStyles.None, CultureInfo.InvariantCulture, out var pt))
                {
                    continue;
                }

                var map = FindRtpMap(pt);
                if (map is not null)
                {
                    maps.Add(map);
                }
                else if (pt == 0)
                {
                    maps.Add(new SdpRtpMap(0, "PCMU", 8000));
                }
                else if (pt == 8)
                {
                    maps.Add(new SdpRtpMap(8, "PCMA", 8000));
                }
            }

            return maps;
        }
    }

    public string? Fmtp(int payloadType)
    {
        var prefix = payloadType.ToString(CultureInfo.InvariantCulture) + " ";
        foreach (var a in Attributes)
        {
            if (a.Name.Equals("fmtp", StringComparison.OrdinalIgnoreCase) && a.Value is not null && a.Value.StartsWith(prefix, StringComparison.Ordinal))
            {
                return a.Value[prefix.Length..].Trim();
            }
        }

        return null;
    }

    public int? Ptime => int.TryParse(Attribute("ptime"), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;

    /// <summary>The T.38 parameters of this section (T.38 Annex D); defaults where attributes are missing.</summary>
    public T38Options T38 => T38Options.FromAttributes(Attributes);

    private SdpRtpMap? FindRtpMap(int pt)
    {
        foreach (var a in Attributes)
        {
            if (a.Name.Equals("rtpmap", StringComparison.OrdinalIgnoreCase) && a.Value is not null &&
                SdpParser.TryParseRtpMap(a.Value, out var map) && map.PayloadType == pt)
            {
                return map;
            }
        }

        return null;
    }
}
