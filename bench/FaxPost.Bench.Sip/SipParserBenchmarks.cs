using System.Buffers;
using System.Text;
using BenchmarkDotNet.Attributes;
using FaxPost.Telephony.Sip;

namespace FaxPost.Bench.Sip;

/// <summary>
/// SIP messages parsed per second and bytes allocated per message, for a typical INVITE with SDP.
/// The baseline is what a string-splitting parser does before it has parsed anything: decode the
/// datagram to a string and split it into lines. Ratios against it say how far we are from that floor.
/// </summary>
[MemoryDiagnoser]
public class SipParserBenchmarks
{
    private const string Sdp =
        "v=0\r\no=FaxPost 4711 1 IN IP4 192.0.2.10\r\ns=FaxPost\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n" +
        "m=audio 20000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n" +
        "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n" +
        "m=image 20002 udptl t38\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\n" +
        "a=T38FaxRateManagement:transferredTCF\r\na=T38FaxMaxDatagram:400\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n";

    private static readonly string Invite =
        "INVITE sip:+4930123456@gw.example.net SIP/2.0\r\n" +
        "Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport\r\n" +
        "Max-Forwards: 70\r\n" +
        "To: <sip:+4930123456@gw.example.net>\r\n" +
        "From: \"Fax Line 1\" <sip:faxpost@example.net>;tag=1928301774\r\n" +
        "Call-ID: a84b4c76e66710@192.0.2.10\r\n" +
        "CSeq: 314159 INVITE\r\n" +
        "Contact: <sip:faxpost@192.0.2.10:5060;transport=udp>\r\n" +
        "Allow: INVITE, ACK, CANCEL, BYE, OPTIONS\r\n" +
        "Supported: timer, replaces\r\n" +
        "User-Agent: FaxPost\r\n" +
        "Content-Type: application/sdp\r\n" +
        $"Content-Length: {Sdp.Length}\r\n" +
        "\r\n" + Sdp;

    private readonly byte[] _bytes = Encoding.ASCII.GetBytes(Invite);
    private ReadOnlySequence<byte> _segmented;
    private SipMessage _parsed = null!;
    private ArrayBufferWriter<byte> _output = null!;

    public static int MessageBytes => Invite.Length;

    [GlobalSetup]
    public void Setup()
    {
        // Three segments, cut inside a header and inside the body, as a pipe would deliver them.
        var first = new Segment(_bytes.AsMemory(0, 200));
        var last = first.Append(new Segment(_bytes.AsMemory(200, 400))).Append(new Segment(_bytes.AsMemory(600)));
        _segmented = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        _parsed = SipMessageParser.ParseDatagram(_bytes).Message!;
        _output = new ArrayBufferWriter<byte>(2048);
    }

    [Benchmark(Baseline = true, Description = "baseline: decode to string + split lines")]
    public int StringSplitFloor() => Encoding.ASCII.GetString(_bytes).Split("\r\n").Length;

    [Benchmark(Description = "parse datagram")]
    public SipMessage? ParseDatagram() => SipMessageParser.ParseDatagram(_bytes).Message;

    [Benchmark(Description = "parse stream, 3 segments")]
    public SipMessage? ParseStream() => SipMessageParser.ParseStream(_segmented).Message;

    [Benchmark(Description = "parse + validate (Via, From, To, CSeq, Call-ID...)")]
    public bool ParseAndValidate() => SipMessageParser.ParseDatagram(_bytes).Message!.TryValidate(out _);

    [Benchmark(Description = "write parsed message back")]
    public int Write()
    {
        _output.ResetWrittenCount();
        _parsed.WriteTo(_output);
        return _output.WrittenCount;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(Segment next)
        {
            next.RunningIndex = RunningIndex + Memory.Length;
            Next = next;
            return next;
        }
    }
}
