using System.Runtime.CompilerServices;
using System.Text;
using FaxPost.Fax.T38;
using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.T38;
using FaxPost.Telephony.Tests.Sip;

namespace FaxPost.Telephony.Tests.Sdp;

public sealed class SdpTests
{
    private static readonly SdpLocalCapabilities Local = new()
    {
        Address = "192.0.2.10",
        AudioPort = 20000,
        ImagePort = 20002,
        SessionId = 42,
        SessionVersion = 1,
    };

    [Fact]
    public void Asterisk_t38_reinvite()
    {
        var sdp = Load("asterisk-t38-reinvite.sdp");
        var media = Assert.Single(sdp.Media);
        Assert.True(media.IsT38);
        Assert.Equal(4390, media.Port);
        Assert.Equal("198.51.100.7", sdp.ConnectionFor(media)!.Address);
        var t38 = media.T38;
        Assert.Equal(0, t38.Version);
        Assert.Equal(14400, t38.MaxBitRate);
        Assert.Equal(T38RateManagement.TransferredTcf, t38.RateManagement);
        Assert.Equal(400, t38.MaxDatagram);
        Assert.Null(t38.MaxBuffer);
        Assert.Equal(T38ErrorCorrection.Redundancy, t38.ErrorCorrection);
        Assert.False(t38.FillBitRemoval);
    }

    [Fact]
    public void FreeSwitch_flag_attribute()
    {
        var t38 = Assert.Single(Load("freeswitch-t38.sdp").Media).T38;
        Assert.True(t38.FillBitRemoval);
        Assert.Equal(2000, t38.MaxBuffer);
    }

    [Fact]
    public void Gateway_with_odd_case_aliases_and_numeric_flags()
    {
        var sdp = Load("gateway-lowercase-flags.sdp");
        var media = Assert.Single(sdp.Media);
        Assert.True(media.IsT38);
        Assert.Equal("192.0.2.41", sdp.ConnectionFor(media)!.Address);
        var t38 = media.T38;
        Assert.Equal(3, t38.Version);
        Assert.Equal(33600, t38.MaxBitRate);
        Assert.False(t38.FillBitRemoval);
        Assert.True(t38.TranscodingMmr);
        Assert.False(t38.TranscodingJbig);
        Assert.Equal(320, t38.MaxDatagram);
        Assert.Equal(T38ErrorCorrection.Fec, t38.ErrorCorrection);
    }

    [Fact]
    public void Answer_to_t38_offer_takes_the_lower_values()
    {
        var offer = Load("gateway-lowercase-flags.sdp");
        var answer = SdpOfferAnswer.Answer(offer, Local);
        var media = Assert.Single(answer.Media);
        Assert.True(media.IsT38);
        Assert.Equal(20002, media.Port);
        var t38 = media.T38;
        Assert.Equal(0, t38.Version);           // ours is 0, theirs 3
        Assert.Equal(14400, t38.MaxBitRate);    // ours 14400, theirs 33600
        Assert.Equal(320, t38.MaxDatagram);     // min(320, 400)
        Assert.Equal(T38ErrorCorrection.Fec, t38.ErrorCorrection); // offered FEC: we send and repair it too
        Assert.False(t38.TranscodingMmr);
        Assert.Equal("192.0.2.10", answer.Connection!.Address);

        // The answer is itself valid SDP that parses back the same.
        var again = SdpSessionDescription.Parse(answer.ToString());
        Assert.Equal(t38, again.Media[0].T38);
    }

    [Fact]
    public void Answer_keeps_m_line_count_and_order()
    {
        var offer = Load("audio-and-image-offer.sdp");
        var answer = SdpOfferAnswer.Answer(offer, Local);
        Assert.Equal(2, answer.Media.Count);
        var audio = answer.Media[0];
        Assert.Equal("audio", audio.Media);
        Assert.Equal(20000, audio.Port);
        Assert.Equal(["8", "0", "101"], audio.Formats); // G.729 dropped, offerer's order kept
        Assert.Equal(["PCMA", "PCMU", "telephone-event"], audio.RtpMaps.Select(m => m.Encoding));
        Assert.Equal("0-16", audio.Fmtp(101));
        Assert.Equal(SdpDirection.SendRecv, audio.Direction);
        var image = answer.Media[1];
        Assert.True(image.IsT38);
        Assert.Equal(0, image.T38.Version);
        Assert.Equal(9600, image.T38.MaxBitRate);
        Assert.Equal(176, image.T38.MaxDatagram);
    }

    [Fact]
    public void Answer_rejects_streams_it_cannot_take_with_port_zero()
    {
        var offer = Load("audio-only-g729.sdp");
        Assert.Equal("IP6", offer.Connection!.AddrType);
        Assert.Equal(SdpDirection.SendOnly, offer.Media[0].Direction);
        var answer = SdpOfferAnswer.Answer(offer, Local);
        Assert.Equal(2, answer.Media.Count);
        Assert.All(answer.Media, m => Assert.Equal(0, m.Port));
        Assert.Equal("video", answer.Media[1].Media);
    }

    [Fact]
    public void Answer_mirrors_direction()
    {
        var offer = SdpOfferAnswer.CreateAudioOffer(Local);
        offer.Media[0].Attributes.RemoveAll(a => a.Name == "sendrecv");
        offer.Media[0].Attributes.Add(new SdpAttribute("sendonly", null));
        var answer = SdpOfferAnswer.Answer(SdpSessionDescription.Parse(offer.ToString()), Local with { AudioPort = 30000 });
        Assert.Equal(SdpDirection.RecvOnly, answer.Media[0].Direction);
    }

    [Fact]
    public void Our_offers_are_well_formed()
    {
        var audio = SdpOfferAnswer.CreateAudioOffer(Local).ToString();
        Assert.Equal(
            "v=0\r\no=FaxPost 42 1 IN IP4 192.0.2.10\r\ns=FaxPost\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
            "m=audio 20000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
            "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n",
            audio);
        var t38 = SdpOfferAnswer.CreateT38Offer(Local).ToString();
        Assert.Contains("m=image 20002 udptl t38\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\n", t38, StringComparison.Ordinal);
        Assert.Contains("a=T38FaxMaxDatagram:400\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n", t38, StringComparison.Ordinal);
    }

    [Fact]
    public void T38_answer_rules()
    {
        var ours = new T38Options { Version = 0, MaxBitRate = 14400, MaxDatagram = 400, ErrorCorrection = T38ErrorCorrection.Fec, FillBitRemoval = true };
        var offered = new T38Options { Version = 2, MaxBitRate = 9600, MaxDatagram = 1200, ErrorCorrection = T38ErrorCorrection.Fec, FillBitRemoval = true, RateManagement = T38RateManagement.LocalTcf };
        var answer = SdpOfferAnswer.AnswerT38(offered, ours);
        Assert.Equal(0, answer.Version);
        Assert.Equal(9600, answer.MaxBitRate);
        Assert.Equal(400, answer.MaxDatagram);
        Assert.Equal(T38ErrorCorrection.Fec, answer.ErrorCorrection);
        Assert.True(answer.FillBitRemoval);
        Assert.Equal(T38RateManagement.LocalTcf, answer.RateManagement);
        Assert.Equal(T38ErrorCorrection.None, SdpOfferAnswer.AnswerT38(offered with { ErrorCorrection = T38ErrorCorrection.None }, ours).ErrorCorrection);
        Assert.Equal(T38ErrorCorrection.None, SdpOfferAnswer.AnswerT38(offered, ours with { ErrorCorrection = T38ErrorCorrection.None }).ErrorCorrection);
    }

    [Theory]
    [InlineData(T38ErrorCorrection.Fec, T38ErrorCorrection.Redundancy, T38ErrorCorrection.Fec)]
    [InlineData(T38ErrorCorrection.Fec, T38ErrorCorrection.Fec, T38ErrorCorrection.Fec)]
    [InlineData(T38ErrorCorrection.Redundancy, T38ErrorCorrection.Fec, T38ErrorCorrection.Redundancy)]
    [InlineData(T38ErrorCorrection.Redundancy, T38ErrorCorrection.Redundancy, T38ErrorCorrection.Redundancy)]
    [InlineData(T38ErrorCorrection.None, T38ErrorCorrection.Fec, T38ErrorCorrection.None)]
    [InlineData(T38ErrorCorrection.Fec, T38ErrorCorrection.None, T38ErrorCorrection.None)]
    public void T38_error_correction_follows_the_offer(T38ErrorCorrection offered, T38ErrorCorrection ours, T38ErrorCorrection expected)
    {
        var answer = SdpOfferAnswer.AnswerT38(new T38Options { ErrorCorrection = offered }, new T38Options { ErrorCorrection = ours });
        Assert.Equal(expected, answer.ErrorCorrection);
    }

    [Theory]
    [InlineData("t38UDPFEC", UdptlErrorRecovery.Fec, 3)]
    [InlineData("t38UDPRedundancy", UdptlErrorRecovery.Redundancy, 3)]
    [InlineData("t38UDPNoEC", UdptlErrorRecovery.Redundancy, 0)]
    public void The_agreed_error_correction_sets_what_the_endpoint_sends(string ec, UdptlErrorRecovery recovery, int redundancy)
    {
        // An offer as a gateway writes it, answered by us; the endpoint takes the answer's values.
        var offer = SdpSessionDescription.Parse(
            "v=0\r\no=- 1 1 IN IP4 192.0.2.41\r\ns=-\r\nc=IN IP4 192.0.2.41\r\nt=0 0\r\n" +
            $"m=image 4000 udptl t38\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\na=T38FaxMaxDatagram:320\r\na=T38FaxUdpEC:{ec}\r\n");
        var agreed = SdpSessionDescription.Parse(SdpOfferAnswer.Answer(offer, Local).ToString()).Media[0].T38;
        var endpoint = new T38EndpointOptions { T38Version = 2 }.WithAgreed(agreed);
        Assert.Equal(recovery, endpoint.ErrorRecovery);
        Assert.Equal(redundancy, endpoint.Redundancy);
        Assert.Equal(0, endpoint.T38Version);
        Assert.Equal(320, endpoint.MaxDatagramSize);
    }

    [Theory]
    [InlineData("o=- 1 1 IN IP4 a\r\n")]
    [InlineData("v=1\r\n")]
    [InlineData("v=0\r\nm=audio x RTP/AVP 0\r\n")]
    [InlineData("v=0\r\nm=audio 5000 RTP/AVP\r\n")]
    [InlineData("v=0\r\nc=IN IP9 a\r\n")]
    [InlineData("v=0\r\nhello\r\n")]
    [InlineData("v=0\r\nv=0\r\n")]
    [InlineData("v=0\r\nt=now\r\n")]
    public void Malformed_descriptions_are_refused(string text)
    {
        Assert.False(SdpSessionDescription.TryParse(Encoding.UTF8.GetBytes(text), out _, out var error));
        Assert.NotNull(error);
        Assert.Throws<SdpFormatException>(() => SdpSessionDescription.Parse(text));
    }

    [Fact]
    public void Overlong_attribute_values_are_only_data()
    {
        var text = "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=image 5004 UDPTL t38\r\na=T38FaxRateManagement:" + new string('A', 501) + "\r\n";
        var t38 = SdpSessionDescription.Parse(text).Media[0].T38;
        Assert.Equal(T38RateManagement.TransferredTcf, t38.RateManagement);
    }

    [Fact]
    public void Fuzzed_descriptions_parse_or_throw_only_sdp_format_exception()
    {
        var seeds = Directory.GetFiles(Folder(), "*.sdp").Select(File.ReadAllBytes).ToArray();
        var random = new Random(8866);
        for (var i = 0; i < 100_000; i++)
        {
            var input = Fuzz.Mutate(seeds[i % seeds.Length], random);
            if (SdpSessionDescription.TryParse(input, out var sdp, out _))
            {
                foreach (var m in sdp.Media)
                {
                    _ = m.T38;
                    _ = m.RtpMaps;
                    _ = m.Direction;
                }

                _ = SdpOfferAnswer.Answer(sdp, Local).ToString();
            }
        }
    }

    private static SdpSessionDescription Load(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder(), name));
        var lf = SdpSessionDescription.Parse(bytes);

        // Same description with CRLF line ends parses the same.
        var crlf = SdpSessionDescription.Parse(Encoding.UTF8.GetString(bytes).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(lf.ToString(), crlf.ToString());
        return lf;
    }

    private static string Folder([CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "TestData", "sdp");
}
