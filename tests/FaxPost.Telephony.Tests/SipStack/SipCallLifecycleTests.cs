using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>How calls end in the less common ways, and name resolution.</summary>
public sealed class SipCallLifecycleTests
{
    [Fact]
    public async Task A_caller_hanging_up_while_we_wait_for_T38_ends_the_fax_with_call_ended()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            bResult.TrySetResult(await call.ReceiveFaxAsync(Path.Combine(Path.GetTempPath(), $"never-{Guid.NewGuid():N}.tif"), FaxSettings(SipT38Policy.Wait, "+2 222")));
        };

        var call = (await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)))).Call!;
        await Task.Delay(100);
        await call.HangUpAsync();
        var result = await Within(bResult.Task);
        Assert.Equal(SipFaxEnd.CallEnded, result.End);
        Assert.Null(result.Fax);
        Assert.Equal(SipCallEndReason.RemoteHangUp, result.CallEnd!.Reason);
    }

    [Fact]
    public async Task Stopping_a_UA_hangs_up_its_calls()
    {
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var a = await StartAsync(Options(SipTransportKind.Udp));
        var (call, peer) = await AnsweredCallAsync(a, b);
        Assert.Equal(1, a.ActiveCalls);

        await a.DisposeAsync();
        Assert.Equal(SipCallState.Terminated, call.State);
        Assert.True(call.HungUp.IsCancellationRequested);
        Assert.Equal(SipCallEndReason.RemoteHangUp, (await Within(peer.Ended)).Reason);
    }

    [Fact]
    public async Task Requests_for_an_unknown_dialog_get_481()
    {
        await using var ua = await StartAsync(Options(SipTransportKind.Udp));
        using var peer = new SipRawPeer();
        peer.Send(peer.Fill("""
            BYE sip:fax@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport
            Max-Forwards: 70
            From: <sip:peer@127.0.0.1>;tag=p1
            To: <sip:fax@127.0.0.1>;tag=nosuchdialog
            Call-ID: gone@test
            CSeq: 2 BYE
            Content-Length: 0


            """), ua.LocalEndPoint(SipTransportKind.Udp)!);
        Assert.Equal(481, (await peer.ReceiveAsync())!.StatusCode);
    }

    [Fact]
    public async Task Host_names_are_resolved()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var port = b.LocalEndPoint(SipTransportKind.Udp)!.Port;
        Assert.Equal(200, await Within(a.PingAsync(SipUri.Parse($"sip:fax@localhost:{port}"))));
    }
}
