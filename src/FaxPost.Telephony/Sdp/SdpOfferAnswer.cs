using System.Globalization;

namespace FaxPost.Telephony.Sdp;

/// <summary>What we can do: our address, ports and codecs, and our T.38 limits.</summary>
public sealed record SdpLocalCapabilities
{
    public required string Address { get; init; }

    public int AudioPort { get; init; }

    public int ImagePort { get; init; }

    /// <summary>G.711 payload types we accept, in our order of preference: 0 (PCMU) and/or 8 (PCMA).</summary>
    public IReadOnlyList<int> AudioPayloadTypes { get; init; } = [0, 8];

    /// <summary>Dynamic payload type we offer for telephone-event (RFC 4733), or null for none.</summary>
    public int? TelephoneEventPayloadType { get; init; } = 101;

    public int Ptime { get; init; } = 20;

    /// <summary>Our T.38 capabilities; null when we do not do T.38.</summary>
    public T38Options? T38 { get; init; } = new()
    {
        Version = 0,
        MaxBitRate = 14400,
        MaxBuffer = 2000,
        MaxDatagram = 400,
        ErrorCorrection = T38ErrorCorrection.Redundancy,
    };

    public string Username { get; init; } = "FaxPost";

    public ulong SessionId { get; init; }

    public ulong SessionVersion { get; init; }
}

/// <summary>
/// Offer/answer for a fax endpoint (RFC 3264): G.711 audio with telephone-event, and T.38 over
/// UDPTL with the parameter rules of T.38 Annex D (version and bit rate are the lower of both sides).
/// </summary>
public static class SdpOfferAnswer
{
    public static SdpSessionDescription CreateAudioOffer(SdpLocalCapabilities local)
    {
        var sdp = NewSession(local);
        sdp.Media.Add(AudioMedia(local, local.AudioPayloadTypes, local.TelephoneEventPayloadType, SdpDirection.SendRecv));
        return sdp;
    }

    /// <summary>An offer with only m=image udptl t38 (the re-INVITE that switches a call to T.38).</summary>
    public static SdpSessionDescription CreateT38Offer(SdpLocalCapabilities local)
    {
        var t38 = local.T38 ?? throw new InvalidOperationException("No local T.38 capabilities.");
        var sdp = NewSession(local);
        sdp.Media.Add(ImageMedia(local.ImagePort, t38));
        return sdp;
    }

    /// <summary>
    /// Answers an offer: one answer m= line per offered one, in the same order (RFC 3264 §6). The
    /// first T.38 section we can take, and the first audio section with a common G.711 codec, are
    /// accepted; any other section gets port 0.
    /// </summary>
    public static SdpSessionDescription Answer(SdpSessionDescription offer, SdpLocalCapabilities local)
    {
        var answer = NewSession(local);
        var acceptedAudio = false;
        var acceptedImage = false;
        foreach (var offered in offer.Media)
        {
            SdpMedia? accepted = null;
            if (offered.Port != 0 && offered.IsT38 && !acceptedImage && local.T38 is not null)
            {
                accepted = ImageMedia(local.ImagePort, AnswerT38(offered.T38, local.T38));
                acceptedImage = true;
            }
            else if (offered.Port != 0 && offered.IsAudio && !acceptedAudio &&
                offered.Protocol.Equals("RTP/AVP", StringComparison.OrdinalIgnoreCase))
            {
                accepted = AnswerAudio(offered, local);
                acceptedAudio = accepted is not null;
            }

            answer.Media.Add(accepted ?? Rejected(offered));
        }

        return answer;
    }

    /// <summary>
    /// T.38 Annex D parameter negotiation: version and bit rate are the lower of the two; rate
    /// management follows the offer; datagram size is the lower one; MMR/JBIG/fill-bit removal only
    /// if both sides do. Error correction follows the offer (we send and repair both redundancy and
    /// FEC) unless either side says t38UDPNoEC; <paramref name="ours"/> names only what we offer.
    /// </summary>
    public static T38Options AnswerT38(T38Options offered, T38Options ours) => new()
    {
        Version = Math.Min(offered.Version, ours.Version),
        MaxBitRate = Math.Min(offered.MaxBitRate, ours.MaxBitRate),
        FillBitRemoval = offered.FillBitRemoval && ours.FillBitRemoval,
        TranscodingMmr = offered.TranscodingMmr && ours.TranscodingMmr,
        TranscodingJbig = offered.TranscodingJbig && ours.TranscodingJbig,
        RateManagement = offered.RateManagement,
        MaxBuffer = ours.MaxBuffer,
        MaxDatagram = (offered.MaxDatagram, ours.MaxDatagram) switch
        {
            (int a, int b) => Math.Min(a, b),
            (null, int b) => b,
            (int a, null) => a,
            _ => null,
        },
        ErrorCorrection = (offered.ErrorCorrection, ours.ErrorCorrection) switch
        {
            (T38ErrorCorrection.None, _) or (_, T38ErrorCorrection.None) => T38ErrorCorrection.None,
            (T38ErrorCorrection.Fec, _) => T38ErrorCorrection.Fec,
            _ => T38ErrorCorrection.Redundancy,
        },
    };

    private static SdpMedia? AnswerAudio(SdpMedia offered, SdpLocalCapabilities local)
    {
        // Keep the offerer's order and payload numbers (RFC 3264 §6.1), limited to what we take.
        var codecs = new List<int>();
        int? events = null;
        foreach (var map in offered.RtpMaps)
        {
            if (map.ClockRate != 8000)
            {
                continue;
            }

            if ((map.Encoding.Equals("PCMU", StringComparison.OrdinalIgnoreCase) && local.AudioPayloadTypes.Contains(0)) ||
                (map.Encoding.Equals("PCMA", StringComparison.OrdinalIgnoreCase) && local.AudioPayloadTypes.Contains(8)))
            {
                codecs.Add(map.PayloadType);
            }
            else if (map.Encoding.Equals("telephone-event", StringComparison.OrdinalIgnoreCase) && local.TelephoneEventPayloadType is not null)
            {
                events ??= map.PayloadType;
            }
        }

        if (codecs.Count == 0)
        {
            return null;
        }

        var direction = offered.Direction switch
        {
            SdpDirection.SendOnly => SdpDirection.RecvOnly,
            SdpDirection.RecvOnly => SdpDirection.SendOnly,
            var d => d,
        };
        var media = AudioMedia(local, codecs, events, direction);

        // Names come from the offer so dynamic numbers of G.711 (rare, but legal) stay consistent.
        media.Attributes.RemoveAll(a => a.Name == "rtpmap");
        var index = 0;
        foreach (var map in offered.RtpMaps)
        {
            if (codecs.Contains(map.PayloadType) || map.PayloadType == events)
            {
                media.Attributes.Insert(index++, new SdpAttribute("rtpmap", map.ToString()));
            }
        }

        return media;
    }

    private static SdpSessionDescription NewSession(SdpLocalCapabilities local)
    {
        var connection = SdpConnection.For(local.Address);
        return new SdpSessionDescription(
            new SdpOrigin(local.Username, local.SessionId.ToString(CultureInfo.InvariantCulture), local.SessionVersion, "IN", connection.AddrType, local.Address),
            local.Username)
        {
            Connection = connection,
        };
    }

    private static SdpMedia AudioMedia(SdpLocalCapabilities local, IEnumerable<int> codecs, int? events, SdpDirection direction)
    {
        var formats = codecs.Select(c => c.ToString(CultureInfo.InvariantCulture)).ToList();
        if (events is int ev)
        {
            formats.Add(ev.ToString(CultureInfo.InvariantCulture));
        }

        var media = new SdpMedia("audio", local.AudioPort, "RTP/AVP", formats);
        foreach (var pt in codecs)
        {
            var name = pt == 8 ? "PCMA" : "PCMU";
            media.Attributes.Add(new SdpAttribute("rtpmap", new SdpRtpMap(pt, name, 8000).ToString()));
        }

        if (events is int e)
        {
            media.Attributes.Add(new SdpAttribute("rtpmap", new SdpRtpMap(e, "telephone-event", 8000).ToString()));
            media.Attributes.Add(new SdpAttribute("fmtp", string.Create(CultureInfo.InvariantCulture, $"{e} 0-16")));
        }

        media.Attributes.Add(new SdpAttribute("ptime", local.Ptime.ToString(CultureInfo.InvariantCulture)));
        media.Attributes.Add(new SdpAttribute(direction.ToString().ToLowerInvariant(), null));
        return media;
    }

    private static SdpMedia ImageMedia(int port, T38Options options)
    {
        var media = new SdpMedia("image", port, "udptl", ["t38"]);
        media.Attributes.AddRange(options.ToAttributes());
        return media;
    }

    private static SdpMedia Rejected(SdpMedia offered) =>
        new(offered.Media, 0, offered.Protocol, offered.Formats);
}
