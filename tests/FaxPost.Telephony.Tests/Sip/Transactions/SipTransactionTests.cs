using System.Text;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Transactions;

namespace FaxPost.Telephony.Tests.Sip.Transactions;

/// <summary>
/// RFC 3261 §17 state machines driven by tables of (time, event) → (state, actions), with every
/// timer expiry; time is injected as seconds on the caller's clock.
/// </summary>
public sealed class SipTransactionTests
{
    private static readonly SipRequest Invite = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite()).Message!;

    private static SipOutgoingMessage OutgoingInvite() =>
        SipOutgoingMessage.Request(SipMethods.Invite, "sip:+4930123456@gw.example.net")
            .Add(SipHeaderKind.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKc1;rport")
            .Add(SipHeaderKind.Route, "<sip:p1.example.net;lr>")
            .Add(SipHeaderKind.MaxForwards, "70")
            .Add(SipHeaderKind.From, "<sip:fax@example.net>;tag=f1")
            .Add(SipHeaderKind.To, "<sip:+4930123456@gw.example.net>")
            .Add(SipHeaderKind.CallId, "c1@192.0.2.10")
            .Add(SipHeaderKind.CSeq, "7 INVITE");

    private static SipOutgoingMessage OutgoingOptions() =>
        SipOutgoingMessage.Request(SipMethods.Options, "sip:gw.example.net")
            .Add(SipHeaderKind.Via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKo1")
            .Add(SipHeaderKind.From, "<sip:fax@example.net>;tag=f1")
            .Add(SipHeaderKind.To, "<sip:gw.example.net>")
            .Add(SipHeaderKind.CallId, "o1")
            .Add(SipHeaderKind.CSeq, "1 OPTIONS");

    private static SipResponse Response(int status, string method = "INVITE") =>
        (SipResponse)SipMessageParser.ParseDatagram(
            $"SIP/2.0 {status} X\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKc1\r\nFrom: <sip:fax@example.net>;tag=f1\r\n" +
            $"To: <sip:+4930123456@gw.example.net>;tag=t9\r\nCall-ID: c1@192.0.2.10\r\nCSeq: 7 {method}\r\nContent-Length: 0\r\n\r\n").Message!;

    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    private static string Describe(IReadOnlyList<SipTransactionAction> actions) => string.Join(", ", actions.Select(a => a switch
    {
        SipTransactionAction.Send { IsRetransmission: false } => "send",
        SipTransactionAction.Send => "resend",
        SipTransactionAction.DeliverResponse d => $"deliver {d.Response.StatusCode}",
        SipTransactionAction.TimedOut t => $"timeout {t.Timer}",
        SipTransactionAction.AckReceived => "ack",
        SipTransactionAction.TransportFailed => "transport-failed",
        SipTransactionAction.Terminated => "terminated",
        _ => a.ToString(),
    }));

    [Theory]
    // Timer A doubles from T1 while Calling: sends at 0, 0.5, 1.5, 3.5, 7.5, 15.5, 31.5; B ends it at 32 s (7 transmissions).
    [InlineData(0.5, "resend", "Calling")]
    [InlineData(1.5, "resend, resend", "Calling")]
    [InlineData(31.5, "resend, resend, resend, resend, resend, resend", "Calling")]
    [InlineData(32, "resend, resend, resend, resend, resend, resend, timeout B, terminated", "Terminated")]
    public void Invite_client_timer_a_and_b_on_udp(double until, string expected, string state)
    {
        var tx = new SipInviteClientTransaction(OutgoingInvite(), reliable: false);
        Assert.Equal("send", Describe(tx.Start(S(0))));
        Assert.Equal(S(0.5), tx.DueOf(SipTimer.A));
        Assert.Equal(S(32), tx.DueOf(SipTimer.B));

        // Drive the clock the way a timer loop would: wake at each deadline up to "until".
        var all = new List<SipTransactionAction>();
        while (tx.NextDeadline is { } due && due <= S(until))
        {
            all.AddRange(tx.OnTimer(due));
        }

        Assert.Equal(expected, Describe(all));
        Assert.Equal(state, tx.State.ToString());
    }

    public static TheoryData<string, bool, string[]> InviteClientTable() => new()
    {
        // name, reliable, steps "time:event => actions | state"
        { "provisional then success", false, ["0.2:180 => deliver 180 | Proceeding", "40:tick => | Proceeding", "41:200 => deliver 200, terminated | Terminated"] },
        { "failure on udp is acked and absorbed for D", false, ["0.2:486 => send, deliver 486 | Completed", "1:486 => resend | Completed", "32.1:tick => | Completed", "32.2:tick => terminated | Terminated"] },
        { "failure on tcp ends at once", true, ["0.2:486 => send, deliver 486, terminated | Terminated"] },
        { "no retransmission on tcp, timeout B", true, ["31.9:tick => | Calling", "32:tick => timeout B, terminated | Terminated"] },
        { "provisional stops A and B", false, ["0.2:183 => deliver 183 | Proceeding", "100:tick => | Proceeding"] },
        { "transport error", false, ["0.1:error => transport-failed, terminated | Terminated"] },
    };

    [Theory]
    [MemberData(nameof(InviteClientTable))]
    public void Invite_client_table(string name, bool reliable, string[] steps)
    {
        var tx = new SipInviteClientTransaction(OutgoingInvite(), reliable);
        tx.Start(S(0));
        Run(name, steps, e => e.Event switch
        {
            "tick" => tx.OnTimer(e.Time),
            "error" => tx.OnTransportError(),
            _ => tx.OnResponse(Response(int.Parse(e.Event, System.Globalization.CultureInfo.InvariantCulture)), e.Time),
        }, () => tx.State);
    }

    [Fact]
    public void Invite_client_builds_the_ack_for_a_failure()
    {
        var tx = new SipInviteClientTransaction(OutgoingInvite(), reliable: false);
        tx.Start(S(0));
        var send = tx.OnResponse(Response(486), S(1)).OfType<SipTransactionAction.Send>().Single();
        var ack = (SipRequest)SipMessageParser.ParseDatagram(send.Message.Span).Message!;
        Assert.Equal("ACK", ack.Method);
        Assert.Equal("sip:+4930123456@gw.example.net", ack.RequestUri.ToString());
        Assert.Equal(new SipCSeq(7, "ACK"), ack.CSeq);
        Assert.Equal("t9", ack.To.Tag);
        Assert.Equal("f1", ack.From.Tag);
        Assert.Equal("z9hG4bKc1", Assert.Single(ack.Vias).Branch);
        Assert.Equal("p1.example.net", Assert.Single(ack.Routes).Uri.Host);
        Assert.True(ack.TryValidate(out _));
    }

    public static TheoryData<string, bool, string[]> NonInviteClientTable() => new()
    {
        // E doubles to T2 (4 s) while Trying: 0.5, 1.5, 3.5, 7.5, 11.5, ...; F at 32 s.
        { "retransmissions then timeout F", false, ["0.5:tick => resend | Trying", "1.5:tick => resend | Trying", "3.5:tick => resend | Trying", "7.5:tick => resend | Trying", "11.5:tick => resend | Trying", "31.5:tick => resend, resend, resend, resend, resend | Trying", "32:tick => timeout F, terminated | Terminated"] },
        { "provisional moves E to T2", false, ["0.2:100 => deliver 100 | Proceeding", "0.5:tick => resend | Proceeding", "4.4:tick => | Proceeding", "4.5:tick => resend | Proceeding"] },
        { "final then K", false, ["0.2:200 => deliver 200 | Completed", "1:200 => | Completed", "5.2:tick => terminated | Terminated"] },
        { "final on tcp", true, ["0.2:404 => deliver 404, terminated | Terminated"] },
        { "tcp timeout", true, ["32:tick => timeout F, terminated | Terminated"] },
    };

    [Theory]
    [MemberData(nameof(NonInviteClientTable))]
    public void Non_invite_client_table(string name, bool reliable, string[] steps)
    {
        var tx = new SipNonInviteClientTransaction(OutgoingOptions(), reliable);
        Assert.Equal("send", Describe(tx.Start(S(0))));
        Run(name, steps, e => e.Event switch
        {
            "tick" => tx.OnTimer(e.Time),
            _ => tx.OnResponse(Response(int.Parse(e.Event, System.Globalization.CultureInfo.InvariantCulture), "OPTIONS"), e.Time),
        }, () => tx.State);
    }

    public static TheoryData<string, bool, string[]> InviteServerTable() => new()
    {
        { "retransmitted invite gets the last provisional", false, ["0.1:invite => resend | Proceeding", "0.2:180 => send | Proceeding", "0.3:invite => resend | Proceeding"] },
        { "success ends the transaction", false, ["1:200 => send, terminated | Terminated"] },
        // G doubles to T2 after a failure: 1.5, 2.5, 4.5, 8.5, 12.5...; the ACK confirms; I absorbs for T4.
        { "failure retransmitted until ack", false, ["1:486 => send | Completed", "1.5:tick => resend | Completed", "2.5:tick => resend | Completed", "4.5:tick => resend | Completed", "8.5:tick => resend | Completed", "12.5:tick => resend | Completed", "13:invite => resend | Completed", "13.1:ack => ack | Confirmed", "13.2:ack => | Confirmed", "18.1:tick => terminated | Terminated"] },
        { "no ack: timer H", false, ["1:603 => send | Completed", "32.9:tick => resend, resend, resend, resend, resend, resend, resend, resend, resend, resend | Completed", "33:tick => timeout H, terminated | Terminated"] },
        { "tcp: no G, ack ends at once", true, ["1:486 => send | Completed", "20:tick => | Completed", "21:ack => ack, terminated | Terminated"] },
    };

    [Theory]
    [MemberData(nameof(InviteServerTable))]
    public void Invite_server_table(string name, bool reliable, string[] steps)
    {
        var tx = new SipInviteServerTransaction(reliable);
        var trying = tx.Start(Invite, S(0));
        Assert.Equal("send", Describe(trying));
        var hundred = (SipResponse)SipMessageParser.ParseDatagram(((SipTransactionAction.Send)trying[0]).Message.Span).Message!;
        Assert.Equal(100, hundred.StatusCode);
        Assert.Null(hundred.To.Tag);
        var ack = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite("").Replace("INVITE sip", "ACK sip", StringComparison.Ordinal).Replace("314159 INVITE", "314159 ACK", StringComparison.Ordinal)).Message!;
        Run(name, steps, e => e.Event switch
        {
            "tick" => tx.OnTimer(e.Time),
            "invite" => tx.OnRequest(Invite, e.Time),
            "ack" => tx.OnRequest(ack, e.Time),
            _ => tx.Respond(SipOutgoingMessage.ResponseTo(Invite, int.Parse(e.Event, System.Globalization.CultureInfo.InvariantCulture), toTag: "s1"), e.Time),
        }, () => tx.State);
    }

    public static TheoryData<string, bool, string[]> NonInviteServerTable() => new()
    {
        { "retransmission in trying is absorbed", false, ["0.1:request => | Trying", "0.2:100 => send | Proceeding", "0.3:request => resend | Proceeding", "1:200 => send | Completed", "2:request => resend | Completed", "32.9:tick => | Completed", "33:tick => terminated | Terminated"] },
        { "tcp final ends at once", true, ["0.5:200 => send, terminated | Terminated"] },
        { "transport error", false, ["0.5:error => transport-failed, terminated | Terminated"] },
    };

    [Theory]
    [MemberData(nameof(NonInviteServerTable))]
    public void Non_invite_server_table(string name, bool reliable, string[] steps)
    {
        var options = (SipRequest)SipMessageParser.ParseDatagram(Encoding.UTF8.GetString(OutgoingOptions().ToArray())).Message!;
        var tx = new SipNonInviteServerTransaction(reliable);
        Run(name, steps, e => e.Event switch
        {
            "tick" => tx.OnTimer(e.Time),
            "request" => tx.OnRequest(options, e.Time),
            "error" => tx.OnTransportError(),
            _ => tx.Respond(SipOutgoingMessage.ResponseTo(options, int.Parse(e.Event, System.Globalization.CultureInfo.InvariantCulture), toTag: "s1"), e.Time),
        }, () => tx.State);
    }

    public static TheoryData<string, bool, string[]> SuccessRetransmissionTable() => new()
    {
        { "2xx resent until ack", false, ["0.5:tick => resend | Completed", "1.5:tick => resend | Completed", "2:invite => resend | Completed", "3:ack => ack, terminated | Terminated"] },
        { "no ack: BYE is due", false, ["31.9:tick => resend, resend, resend, resend, resend, resend, resend, resend, resend, resend | Completed", "32:tick => timeout H, terminated | Terminated"] },
        { "tcp: no resend, still waits for ack", true, ["20:tick => | Completed", "32:tick => timeout H, terminated | Terminated"] },
    };

    [Theory]
    [MemberData(nameof(SuccessRetransmissionTable))]
    public void Uas_core_retransmits_2xx(string name, bool reliable, string[] steps)
    {
        var tx = new SipInviteSuccessRetransmitter(SipOutgoingMessage.ResponseTo(Invite, 200, toTag: "s1"), reliable);
        Assert.Equal("send", Describe(tx.Start(S(0))));
        var ack = (SipRequest)SipMessageParser.ParseDatagram(SipTestMessages.Invite("").Replace("INVITE sip", "ACK sip", StringComparison.Ordinal).Replace("314159 INVITE", "314159 ACK", StringComparison.Ordinal)).Message!;
        Run(name, steps, e => e.Event switch
        {
            "tick" => tx.OnTimer(e.Time),
            "invite" => tx.OnRequest(Invite, e.Time),
            _ => tx.OnRequest(ack, e.Time),
        }, () => tx.State);
    }

    [Fact]
    public void Transaction_keys_follow_rfc3261_matching()
    {
        Assert.True(SipTransactionKey.TryForRequest(Invite, out var inviteKey));
        var ackText = SipTestMessages.Invite("").Replace("INVITE sip", "ACK sip", StringComparison.Ordinal).Replace("314159 INVITE", "314159 ACK", StringComparison.Ordinal);
        Assert.True(SipTransactionKey.TryForRequest((SipRequest)SipMessageParser.ParseDatagram(ackText).Message!, out var ackKey));
        Assert.Equal(inviteKey, ackKey);
        var cancelText = SipTestMessages.Invite("").Replace("INVITE sip", "CANCEL sip", StringComparison.Ordinal).Replace("314159 INVITE", "314159 CANCEL", StringComparison.Ordinal);
        Assert.True(SipTransactionKey.TryForRequest((SipRequest)SipMessageParser.ParseDatagram(cancelText).Message!, out var cancelKey));
        Assert.NotEqual(inviteKey, cancelKey);
        Assert.Equal("192.0.2.10:5060", inviteKey.SentBy);

        var badBranch = SipMessageParser.ParseDatagram(File.ReadAllBytes(Path.Combine(Rfc4475Folder(), "badbranch.dat"))).Message!;
        Assert.False(SipTransactionKey.TryForRequest((SipRequest)badBranch, out _));

        Assert.True(SipTransactionKey.TryForResponse(Response(180), out var responseKey));
        Assert.Equal(new SipTransactionKey("z9hG4bKc1", "192.0.2.10:5060", "INVITE"), responseKey);
    }

    private static void Run(string name, string[] steps, Func<(TimeSpan Time, string Event), IReadOnlyList<SipTransactionAction>> handle, Func<SipTransactionState> state)
    {
        foreach (var step in steps)
        {
            var arrow = step.IndexOf(" => ", StringComparison.Ordinal);
            var bar = step.LastIndexOf(" | ", StringComparison.Ordinal);
            var colon = step.IndexOf(':', StringComparison.Ordinal);
            var time = S(double.Parse(step[..colon], System.Globalization.CultureInfo.InvariantCulture));
            var ev = step[(colon + 1)..arrow];
            var expectedActions = step[(arrow + 3)..bar].Trim();
            var expectedState = step[(bar + 3)..];
            var actions = handle((time, ev));
            Assert.True(expectedActions == Describe(actions), $"{name}: at {step[..colon]} s on '{ev}' expected [{expectedActions}] got [{Describe(actions)}]");
            Assert.True(expectedState == state().ToString(), $"{name}: after '{step}' state is {state()}");
        }
    }

    private static string Rfc4475Folder([System.Runtime.CompilerServices.CallerFilePath] string source = "") =>
        Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "TestData", "rfc4475");
}
