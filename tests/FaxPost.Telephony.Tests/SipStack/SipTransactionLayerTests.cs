using System.Net;
using System.Text;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Sip.Transactions;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>The transaction table on a fake clock: every timer of RFC 3261 §17 as the table runs it.</summary>
public sealed class SipTransactionLayerTests : IDisposable
{
    private static readonly SipRemote Udp = new(SipTransportKind.Udp, new IPEndPoint(IPAddress.Loopback, 5070));
    private static readonly SipRemote Tcp = new(SipTransportKind.Tcp, new IPEndPoint(IPAddress.Loopback, 5070));
    private readonly FakeTimeProvider _clock = new();
    private readonly List<(string Text, SipRemote To)> _sent = [];
    private readonly SipTransactionLayer _layer;

    public SipTransactionLayerTests()
    {
        _layer = new SipTransactionLayer(Send, _clock, SipTimerSettings.Default);
    }

    private Task<bool> Send(ReadOnlyMemory<byte> message, SipRemote to)
    {
        lock (_sent)
        {
            _sent.Add((Encoding.UTF8.GetString(message.Span), to));
        }

        return Task.FromResult(true);
    }

    private int Sent(string startsWith)
    {
        lock (_sent)
        {
            return _sent.Count(s => s.Text.StartsWith(startsWith, StringComparison.Ordinal));
        }
    }

    private void Advance(double seconds)
    {
        // Step in small pieces so each timer fires at its own time, as a real clock would.
        for (var left = TimeSpan.FromSeconds(seconds); left > TimeSpan.Zero; left -= TimeSpan.FromMilliseconds(100))
        {
            _clock.Advance(left < TimeSpan.FromMilliseconds(100) ? left : TimeSpan.FromMilliseconds(100));
        }
    }

    private static SipOutgoingMessage Request(string method, string branch)
    {
        var r = SipOutgoingMessage.Request(method, "sip:b@127.0.0.1:5070");
        r.Add(SipHeaderKind.Via, $"SIP/2.0/UDP 127.0.0.1:5060;branch={branch};rport");
        r.Add(SipHeaderKind.MaxForwards, "70");
        r.Add(SipHeaderKind.From, "<sip:a@127.0.0.1>;tag=ft");
        r.Add(SipHeaderKind.To, "<sip:b@127.0.0.1>");
        r.Add(SipHeaderKind.CallId, "call-1");
        r.Add(SipHeaderKind.CSeq, $"1 {method}");
        r.Add(SipHeaderKind.Contact, "<sip:a@127.0.0.1:5060>");
        return r;
    }

    private static SipRequest Parsed(SipOutgoingMessage m) => (SipRequest)SipMessageParser.ParseDatagram(m.ToArray()).Message!;

    private static SipResponse Answer(SipOutgoingMessage request, int status, string toTag = "tt") =>
        (SipResponse)SipMessageParser.ParseDatagram(SipOutgoingMessage.ResponseTo(Parsed(request), status, null, toTag).ToArray()).Message!;

    [Fact]
    public async Task Invite_client_retransmits_doubling_and_times_out_with_a_local_408()
    {
        var final = _layer.SendRequest(Request("INVITE", "z9hG4bKa1"), Udp);
        Assert.Equal(1, Sent("INVITE"));
        Advance(0.5);
        Assert.Equal(2, Sent("INVITE"));
        Advance(1.0);
        Assert.Equal(3, Sent("INVITE"));
        Advance(30.4); // 31.9 s: A fired at 0, .5, 1.5, 3.5, 7.5, 15.5, 31.5
        Assert.Equal(7, Sent("INVITE"));
        Assert.False(final.IsCompleted);
        Advance(0.2); // timer B at 64*T1 = 32 s
        var response = await final;
        Assert.Equal(408, response.StatusCode);
        Assert.Equal(0, _layer.ClientCount);
    }

    [Fact]
    public async Task A_provisional_stops_retransmission_and_a_failure_is_acked_once_per_copy()
    {
        var invite = Request("INVITE", "z9hG4bKa2");
        var final = _layer.SendRequest(invite, Udp);
        Assert.True(_layer.OnResponse(Answer(invite, 100)));
        Advance(10);
        Assert.Equal(1, Sent("INVITE"));

        var busy = Answer(invite, 486);
        Assert.True(_layer.OnResponse(busy));
        Assert.Equal(486, (await final).StatusCode);
        Assert.Equal(1, Sent("ACK"));
        // §17.1.1.2: a retransmitted final response is absorbed, with the ACK sent again.
        Assert.True(_layer.OnResponse(busy));
        Assert.Equal(2, Sent("ACK"));
        Assert.Equal(1, _layer.ClientCount);
        Advance(32.1); // timer D
        Assert.Equal(0, _layer.ClientCount);
        Assert.False(_layer.OnResponse(busy));
    }

    [Fact]
    public async Task Non_invite_client_retransmits_up_to_T2_and_times_out()
    {
        var final = _layer.SendRequest(Request("OPTIONS", "z9hG4bKo1"), Udp);
        Advance(31.9); // E at 0, .5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5
        Assert.Equal(11, Sent("OPTIONS"));
        Advance(0.2);
        Assert.Equal(408, (await final).StatusCode);
    }

    [Fact]
    public async Task Reliable_transports_do_not_retransmit_but_still_time_out()
    {
        var final = _layer.SendRequest(Request("INVITE", "z9hG4bKt1"), Tcp);
        Advance(31.9);
        Assert.Equal(1, Sent("INVITE"));
        Advance(0.2);
        Assert.Equal(408, (await final).StatusCode);
    }

    [Fact]
    public async Task A_failed_send_gives_a_local_503()
    {
        using var layer = new SipTransactionLayer((_, _) => Task.FromResult(false), _clock, SipTimerSettings.Default);
        var response = await layer.SendRequest(Request("OPTIONS", "z9hG4bKf1"), Udp).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(503, response.StatusCode);
    }

    [Fact]
    public void Non_invite_server_absorbs_retransmissions_and_answers_them_until_timer_J()
    {
        var options = Parsed(Request("OPTIONS", "z9hG4bKs1"));
        var tx = _layer.OnRequest(options, Udp, out _);
        Assert.NotNull(tx);
        Assert.Null(_layer.OnRequest(options, Udp, out _)); // in Trying: absorbed silently
        Assert.Equal(0, Sent("SIP/2.0"));
        tx!.Respond(200);
        Assert.Equal(1, Sent("SIP/2.0 200"));
        Assert.Null(_layer.OnRequest(options, Udp, out _));
        Assert.Equal(2, Sent("SIP/2.0 200"));
        Advance(32.1);
        Assert.NotNull(_layer.OnRequest(options, Udp, out _)); // the transaction is gone: a new one
    }

    [Fact]
    public void Invite_server_sends_100_retransmits_a_failure_until_the_ack_and_absorbs_acks()
    {
        var inviteMessage = Request("INVITE", "z9hG4bKs2");
        var invite = Parsed(inviteMessage);
        var tx = _layer.OnRequest(invite, Udp, out _)!;
        Assert.Equal(1, Sent("SIP/2.0 100"));
        Assert.Null(_layer.OnRequest(invite, Udp, out _)); // retransmitted INVITE: the 100 again
        Assert.Equal(2, Sent("SIP/2.0 100"));
        tx.Respond(486, null, "tt");
        Advance(0.5);
        Assert.Equal(2, Sent("SIP/2.0 486")); // timer G
        Advance(1.0);
        Assert.Equal(3, Sent("SIP/2.0 486"));

        var ack = SipOutgoingMessage.Request("ACK", "sip:b@127.0.0.1:5070");
        ack.Add(SipHeaderKind.Via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKs2;rport");
        ack.Add(SipHeaderKind.From, "<sip:a@127.0.0.1>;tag=ft");
        ack.Add(SipHeaderKind.To, "<sip:b@127.0.0.1>;tag=tt");
        ack.Add(SipHeaderKind.CallId, "call-1");
        ack.Add(SipHeaderKind.CSeq, "1 ACK");
        Assert.Null(_layer.OnRequest(Parsed(ack), Udp, out var for2xx));
        Assert.False(for2xx);
        Advance(10);
        Assert.Equal(3, Sent("SIP/2.0 486"));
        Assert.Equal(0, _layer.ServerCount); // timer I (T4 = 5 s) ended it
    }

    [Fact]
    public void Invite_server_without_ack_gives_up_at_timer_H()
    {
        var tx = _layer.OnRequest(Parsed(Request("INVITE", "z9hG4bKs3")), Udp, out _)!;
        tx.Respond(603, null, "tt");
        Advance(31.9); // G at .5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 (capped at T2)
        Assert.Equal(11, Sent("SIP/2.0 603"));
        Advance(0.2);
        Assert.Equal(0, _layer.ServerCount);
    }

    [Fact]
    public async Task A_2xx_is_retransmitted_by_the_core_until_the_ack_which_is_handed_over()
    {
        var inviteMessage = Request("INVITE", "z9hG4bKs4");
        var invite = Parsed(inviteMessage);
        var tx = _layer.OnRequest(invite, Udp, out _)!;
        var acked = tx.RespondSuccess(tx.CreateResponse(200, null, "tt"));
        Assert.Equal(1, Sent("SIP/2.0 200"));
        Advance(1.6);
        Assert.Equal(3, Sent("SIP/2.0 200")); // .5 and 1.5
        Assert.Null(_layer.OnRequest(invite, Udp, out _)); // a retransmitted INVITE: the 2xx again
        Assert.Equal(4, Sent("SIP/2.0 200"));

        // §13.2.2.4: the ACK for a 2xx is a new transaction (new branch), matched by Call-ID and CSeq.
        var ack = SipOutgoingMessage.Request("ACK", "sip:b@127.0.0.1:5070");
        ack.Add(SipHeaderKind.Via, "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKother;rport");
        ack.Add(SipHeaderKind.From, "<sip:a@127.0.0.1>;tag=ft");
        ack.Add(SipHeaderKind.To, "<sip:b@127.0.0.1>;tag=tt");
        ack.Add(SipHeaderKind.CallId, "call-1");
        ack.Add(SipHeaderKind.CSeq, "1 ACK");
        ack.WithBody("v=0\r\n", "application/sdp");
        Assert.Null(_layer.OnRequest(Parsed(ack), Udp, out var for2xx));
        Assert.True(for2xx);
        var got = await acked;
        Assert.NotNull(got);
        Assert.Equal("v=0\r\n", Encoding.UTF8.GetString(got!.Body.Span));
        Advance(10);
        Assert.Equal(4, Sent("SIP/2.0 200"));
    }

    [Fact]
    public async Task A_2xx_never_acked_reports_null_after_64_T1()
    {
        var tx = _layer.OnRequest(Parsed(Request("INVITE", "z9hG4bKs5")), Udp, out _)!;
        var acked = tx.RespondSuccess(tx.CreateResponse(200, null, "tt"));
        Advance(32.1);
        Assert.Null(await acked);
        Assert.Equal(0, _layer.ServerCount);
    }

    [Fact]
    public void Cancel_finds_the_invite_it_cancels_and_responses_go_to_the_rport_address()
    {
        var invite = Parsed(Request("INVITE", "z9hG4bKs6"));
        var from = new SipRemote(SipTransportKind.Udp, new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000));
        var tx = _layer.OnRequest(invite, from, out _)!;
        // RFC 3581 §4: rport asked, so the response goes to the source port, not the Via's 5060.
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.7"), 40000), tx.ResponseTarget.EndPoint);
        lock (_sent)
        {
            Assert.StartsWith("SIP/2.0 100", _sent[^1].Text, StringComparison.Ordinal);
            Assert.Contains(";received=192.0.2.7", _sent[^1].Text, StringComparison.Ordinal);
            Assert.Contains(";rport=40000", _sent[^1].Text, StringComparison.Ordinal);
        }

        var cancel = SipOutgoingMessage.CancelFor(Request("INVITE", "z9hG4bKs6"));
        var cancelTx = _layer.OnRequest(Parsed(cancel), from, out _)!;
        Assert.Same(tx, _layer.FindCancelled(cancelTx));
    }

    public void Dispose() => _layer.Dispose();
}
