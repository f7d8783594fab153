using FaxPost.Fax.T30;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Tests.T38;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>Two UAs call each other over loopback and fax over T.38 after a re-INVITE.</summary>
public sealed class SipCallTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-sipcall-").FullName;

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task A_calls_B_on_audio_A_reinvites_to_T38_and_the_fax_arrives(SipTransportKind transport)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(transport));
        await using var b = await StartAsync(Options(transport));
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            incoming.Ring();
            Assert.False(incoming.OffersT38);
            var call = await incoming.AnswerAsync(ct);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Wait, "+44 20 7946 0000"), ct: ct));
        };

        var provisional = new List<int>();
        var invite = await Within(a.InviteAsync(new SipInviteOptions { Target = UriOf(b, transport), Progress = r => { lock (provisional) { provisional.Add(r.StatusCode); } } }));
        Assert.True(invite.IsSuccess, invite.ToString());
        var call = invite.Call!;
        Assert.Null(call.T38);
        var sent = await Within(call.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+49 30 1234567")), 90);
        var got = await Within(bResult.Task, 90);

        Assert.True(sent.Success && got.Success, $"sent: {sent}; received: {got}");
        Assert.Equal(2, sent.Fax!.Pages);
        Assert.Equal(2, got.Fax!.Pages);
        Assert.Equal("+44 20 7946 0000", sent.Fax.RemoteIdent);
        Assert.Equal("+49 30 1234567", got.Fax.RemoteIdent);
        Assert.Equal(T30Completion.Ok, got.Fax.Completion);
        T38TestSupport.AssertSamePages(document, received);
        lock (provisional)
        {
            Assert.Contains(180, provisional);
        }

        // Both sides end up without the call (one BYE won, the other found it gone).
        await Eventually(() => a.ActiveCalls == 0 && b.ActiveCalls == 0, "both calls ended");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
