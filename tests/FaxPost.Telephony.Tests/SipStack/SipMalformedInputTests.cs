using System.Net;
using System.Text;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Tests.Sip;
using Microsoft.Extensions.Time.Testing;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>What a UA does with broken, hostile or unusual input: answer 400 (or the right status), never crash.</summary>
public sealed class SipMalformedInputTests
{
    private const string Options = """
        OPTIONS sip:fax@127.0.0.1 SIP/2.0
        Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport
        Max-Forwards: 70
        From: <sip:peer@127.0.0.1>;tag=abc
        To: <sip:fax@127.0.0.1>
        Call-ID: opt-1@test
        CSeq: 1 OPTIONS
        Content-Length: 0


        """;

    [Theory]
    [InlineData("CSeq: 1 OPTIONS", "CSeq: 1 INVITE", 400)] // §8.1.1.5: CSeq method must match
    [InlineData("Call-ID: opt-1@test\r\n", "", 400)] // a mandatory header missing
    [InlineData("Max-Forwards: 70", "Max-Forwards: 7000", 400)] // out of range
    [InlineData("From: <sip:peer@127.0.0.1>;tag=abc", "From: <sip:peer@127.0.0.1>;tag=abc\r\nFrom: <sip:x@y>", 400)] // duplicated
    [InlineData("Content-Length: 0", "Require: 100rel, foo\r\nContent-Length: 0", 420)] // §8.2.2.3: unknown extension
    [InlineData("", "", 200)] // the untouched request is answered
    public async Task Bad_requests_get_their_status_and_the_UA_keeps_answering(string find, string replace, int expected)
    {
        await using var ua = await StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp));
        using var peer = new SipRawPeer();
        var target = ua.LocalEndPoint(SipTransportKind.Udp)!;
        var text = peer.Fill(Options);
        peer.Send(find.Length == 0 ? text : text.Replace(find, replace, StringComparison.Ordinal), target);
        var response = await peer.ReceiveAsync();
        Assert.NotNull(response);
        Assert.Equal(expected, response!.StatusCode);
        if (expected == 420)
        {
            Assert.Equal("100rel, foo", response.GetHeader(SipHeaderKind.Unsupported));
        }

        // Still alive and answering.
        peer.Send(peer.Fill(Options), target);
        Assert.Equal(200, (await peer.ReceiveAsync())!.StatusCode);
    }

    [Fact]
    public async Task Garbage_and_oversized_datagrams_are_dropped_and_counted()
    {
        await using var ua = await StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp) with
        {
            Limits = new SipParseLimits { MaxMessageBytes = 1500, MaxHeaderCount = 20 },
        });
        using var peer = new SipRawPeer();
        var target = ua.LocalEndPoint(SipTransportKind.Udp)!;
        peer.Send(new byte[] { 0x00, 0xff, 0x13, 0x37 }, target);
        peer.Send(peer.Fill(Options).Replace("Content-Length: 0", "X-Pad: " + new string('a', 2000) + "\r\nContent-Length: 0", StringComparison.Ordinal), target);
        var manyHeaders = string.Concat(Enumerable.Range(0, 30).Select(i => $"X-H{i}: v\r\n"));
        peer.Send(peer.Fill(Options).Replace("Content-Length: 0", manyHeaders + "Content-Length: 0", StringComparison.Ordinal), target);
        await Eventually(() => ua.MalformedMessages == 3, "three rejections");
        peer.Send(peer.Fill(Options), target);
        var response = await peer.ReceiveAsync();
        Assert.Equal(200, response!.StatusCode);
        Assert.Contains("INVITE", response.GetHeader(SipHeaderKind.Allow), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Compact_header_forms_are_accepted()
    {
        await using var ua = await StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp));
        using var peer = new SipRawPeer();
        const string compact = """
            OPTIONS sip:fax@127.0.0.1 SIP/2.0
            v: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport
            Max-Forwards: 70
            f: <sip:peer@127.0.0.1>;tag=abc
            t: <sip:fax@127.0.0.1>
            i: compact-1@test
            CSeq: 1 OPTIONS
            k: timer
            l: 0


            """;
        peer.Send(peer.Fill(compact), ua.LocalEndPoint(SipTransportKind.Udp)!);
        var response = await peer.ReceiveAsync();
        Assert.Equal(200, response!.StatusCode);
        Assert.Equal("compact-1@test", response.CallId);
        Assert.Equal(peer.Port, response.TopVia!.RPort);
    }

    [Fact]
    public async Task An_invite_with_broken_sdp_gets_400_and_one_with_a_foreign_body_415()
    {
        await using var ua = await StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp));
        ua.IncomingCall = (call, _) => throw new InvalidOperationException("must not be offered");
        using var peer = new SipRawPeer();
        var invite = """
            INVITE sip:fax@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport
            Max-Forwards: 70
            From: <sip:peer@127.0.0.1>;tag=abc
            To: <sip:fax@127.0.0.1>
            Call-ID: inv-1@test
            CSeq: 1 INVITE
            Contact: <sip:peer@127.0.0.1:{port}>
            Content-Type: {type}
            Content-Length: 11

            not an sdp!
            """;
        peer.Send(peer.Fill(invite.Replace("{type}", "application/sdp", StringComparison.Ordinal)), ua.LocalEndPoint(SipTransportKind.Udp)!);
        Assert.Equal(100, (await peer.ReceiveAsync())!.StatusCode);
        Assert.Equal(400, (await peer.ReceiveAsync())!.StatusCode);
        peer.Send(peer.Fill(invite.Replace("{type}", "text/plain", StringComparison.Ordinal).Replace("inv-1", "inv-2", StringComparison.Ordinal)), ua.LocalEndPoint(SipTransportKind.Udp)!);
        Assert.Equal(100, (await peer.ReceiveAsync())!.StatusCode);
        Assert.Equal(415, (await peer.ReceiveAsync())!.StatusCode);
    }

    [Fact]
    public async Task Mutated_messages_never_throw_out_of_the_UA()
    {
        // The UA core behind the parser: every mutation that parses goes through validation, the
        // transaction table and the core; nothing may escape, whatever the headers say.
        var clock = new FakeTimeProvider();
        await using var ua = await StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp), null, clock);
        var offered = 0;
        ua.IncomingCall = (call, _) =>
        {
            Interlocked.Increment(ref offered);
            call.Reject(486);
            return Task.CompletedTask;
        };
        using var sink = new SipRawPeer(); // responses go here
        var seed = Encoding.UTF8.GetBytes(sink.Fill("""
            INVITE sip:fax@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{port};branch=z9hG4bKfuzz;rport
            Max-Forwards: 70
            From: "Peer" <sip:peer@127.0.0.1>;tag=abc
            To: <sip:fax@127.0.0.1>
            Call-ID: fuzz@test
            CSeq: 1 INVITE
            Contact: <sip:peer@127.0.0.1:{port}>
            Session-Expires: 1800;refresher=uac
            Require: timer
            Route: <sip:127.0.0.1;lr>
            Content-Type: application/sdp
            Content-Length: 133

            v=0
            o=- 1 1 IN IP4 127.0.0.1
            s=-
            c=IN IP4 127.0.0.1
            t=0 0
            m=image 4000 udptl t38
            a=T38FaxVersion:0
            a=T38FaxMaxDatagram:400

            """));
        var from = new SipRemote(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, sink.Port));
        var parsed = 0;
        var random = new Random(5);
        for (var i = 0; i < 20_000; i++)
        {
            var input = Fuzz.Mutate(seed, random);
            var result = SipMessageParser.ParseDatagram(input);
            if (result.Message is { } message)
            {
                parsed++;
                ua.OnMessage(message, from);
            }
        }

        Assert.True(parsed > 1000, $"only {parsed} mutations parsed");
        Assert.True(ua.MalformedMessages > 0);
    }
}
