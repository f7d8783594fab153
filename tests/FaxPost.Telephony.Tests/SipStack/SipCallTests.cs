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

    [Theory]
    [InlineData(SipTransportKind.Udp)]
    [InlineData(SipTransportKind.Tcp)]
    public async Task B_reinvites_to_T38_while_A_waits_and_the_fax_arrives(SipTransportKind transport)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(transport));
        await using var b = await StartAsync(Options(transport));
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Offer, "+2 222"), ct: ct));
        };

        var invite = await Within(a.InviteAsync(UriOf(b, transport)));
        Assert.True(invite.IsSuccess, invite.ToString());
        var sent = await Within(invite.Call!.SendFaxAsync(document, FaxSettings(SipT38Policy.Wait, "+1 111")), 90);
        var got = await Within(bResult.Task, 90);
        Assert.True(sent.Success && got.Success, $"sent: {sent}; received: {got}");
        Assert.NotNull(invite.Call.T38);
        Assert.True(got.Fax!.Statistics.DatagramsReceived > 0);
        Assert.Equal(invite.Call.LocalT38Port, invite.Call.LocalSdp!.Media.Single(m => m.IsT38).Port);
        T38TestSupport.AssertSamePages(document, received);
    }

    [Fact]
    public async Task A_direct_T38_offer_is_answered_with_T38_and_needs_no_reinvite()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var offered = false;
        b.IncomingCall = async (incoming, ct) =>
        {
            offered = incoming.OffersT38;
            var call = await incoming.AnswerAsync(ct);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Wait, "+2 222"), ct: ct));
        };

        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp), SipInviteOffer.T38));
        Assert.True(invite.IsSuccess, invite.ToString());
        Assert.True(offered);
        Assert.NotNull(invite.Call!.T38);
        Assert.Equal(invite.Call.LocalT38Port, invite.Call.LocalSdp!.Media.Single(m => m.IsT38).Port);
        Assert.Equal(invite.Call.RemoteT38EndPoint!.Port, invite.Call.RemoteSdp!.Media.Single(m => m.IsT38).Port);
        var sent = await Within(invite.Call.SendFaxAsync(document, FaxSettings(SipT38Policy.Wait, "+1 111")), 90);
        var got = await Within(bResult.Task, 90);
        Assert.True(sent.Success && got.Success, $"sent: {sent}; received: {got}");
        Assert.Equal(0, invite.Call.SessionRefreshesReceived);
    }

    [Fact]
    public async Task Cancel_before_answer_gives_487_and_the_callee_sees_the_cancel()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = (incoming, _) =>
        {
            incoming.Ring();
            incoming.Cancelled.Register(() => cancelled.TrySetResult());
            return Task.CompletedTask; // let it ring
        };

        using var hangUp = new CancellationTokenSource();
        var invite = a.InviteAsync(new SipInviteOptions
        {
            Target = UriOf(b, SipTransportKind.Udp),
            Progress = r =>
            {
                if (r.StatusCode == 180)
                {
                    hangUp.Cancel();
                }
            },
        }, hangUp.Token);
        var result = await Within(invite);
        Assert.Equal(487, result.StatusCode);
        Assert.Null(result.Call);
        await Within(cancelled.Task);
        Assert.Equal(0, a.ActiveCalls);
        Assert.Equal(0, b.ActiveCalls);
    }

    [Fact]
    public async Task Rejected_and_unanswerable_calls_return_their_status()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        b.IncomingCall = (incoming, _) =>
        {
            incoming.Reject(incoming.RequestUri.User == "busy" ? 486 : 404);
            return Task.CompletedTask;
        };

        Assert.Equal(486, (await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp, "busy")))).StatusCode);
        Assert.Equal(404, (await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp, "nobody")))).StatusCode);
        b.IncomingCall = null;
        Assert.Equal(480, (await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)))).StatusCode);
    }

    [Fact]
    public async Task An_audio_only_peer_refuses_the_T38_reinvite_and_the_fax_ends_with_a_clear_reason()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp) with { T38 = null });
        var bCall = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) => bCall.TrySetResult(await incoming.AnswerAsync(ct));

        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)));
        Assert.True(invite.IsSuccess, invite.ToString());
        var sent = await Within(invite.Call!.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+1 111")));
        Assert.Equal(SipFaxEnd.T38Refused, sent.End);
        Assert.Equal(488, sent.SipStatus);
        Assert.Null(sent.Fax);
        Assert.Contains("G.711 fax is not supported yet", sent.Reason, StringComparison.Ordinal);
        Assert.Equal(SipCallEndReason.LocalHangUp, sent.CallEnd!.Reason);
        var peer = await Within(bCall.Task);
        Assert.Equal(SipCallEndReason.RemoteHangUp, (await Within(peer.Ended)).Reason);
    }

    [Fact]
    public async Task Waiting_for_T38_from_an_audio_peer_ends_with_no_T38()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        b.IncomingCall = async (incoming, ct) => await incoming.AnswerAsync(ct);
        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)));
        var sent = await Within(invite.Call!.SendFaxAsync(document, FaxSettings(SipT38Policy.Wait, "+1 111") with { WaitForT38 = TimeSpan.FromMilliseconds(300) }));
        Assert.Equal(SipFaxEnd.NoT38, sent.End);
        Assert.Contains("stayed on audio", sent.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bye_mid_fax_cancels_the_fax_and_leaves_a_partial_result_on_both_sides()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 4);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Wait, "+2 222"), ct: ct));
        };

        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)));
        var call = invite.Call!;
        var sent = await Within(call.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+1 111"), pageConfirmed: async (page, _) =>
        {
            if (page == 2)
            {
                await call.HangUpAsync(CancellationToken.None);
            }
        }), 90);
        var got = await Within(bResult.Task, 90);

        Assert.Equal(SipFaxEnd.FaxRan, sent.End);
        Assert.Equal(FaxPost.Telephony.T38.T38CallEnd.Cancelled, sent.Fax!.End);
        Assert.Equal(2, sent.Fax.Pages);
        Assert.Equal(SipCallEndReason.LocalHangUp, sent.CallEnd!.Reason);

        Assert.Equal(SipFaxEnd.FaxRan, got.End);
        Assert.False(got.Success);
        Assert.InRange(got.Fax!.Pages, 1, 2);
        Assert.Equal(SipCallEndReason.RemoteHangUp, got.CallEnd!.Reason);
        Assert.Equal(got.Fax.Pages, FaxPost.Imaging.Tiff.TiffDocument.Read(File.ReadAllBytes(received)).Pages.Count);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_session_refresh_mid_fax_is_answered_and_the_fax_carries_on(bool update)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var received = Path.Combine(_dir, "received.tif");
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var bCall = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        var bResult = new TaskCompletionSource<SipFaxResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            bCall.TrySetResult(call);
            bResult.TrySetResult(await call.ReceiveFaxAsync(received, FaxSettings(SipT38Policy.Wait, "+2 222"), ct: ct));
        };

        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)));
        var aCall = invite.Call!;
        Assert.Equal(TimeSpan.FromSeconds(1800), aCall.SessionInterval);
        Assert.True(aCall.IsSessionRefresher); // the answer left the refresh to us (refresher=uac)
        var refreshStatus = 0;
        var sent = await Within(aCall.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+1 111"), pageConfirmed: async (page, _) =>
        {
            if (page == 1)
            {
                // The peer refreshes the session mid-fax, as Asterisk and carriers do.
                var peer = await bCall.Task;
                refreshStatus = await peer.RefreshSessionAsync(preferUpdate: update);
            }
        }), 90);
        var got = await Within(bResult.Task, 90);

        Assert.Equal(200, refreshStatus);
        Assert.True(sent.Success && got.Success, $"sent: {sent}; received: {got}");
        Assert.Equal(3, got.Fax!.Pages);
        Assert.Equal(1, aCall.SessionRefreshesReceived);
        Assert.True(aCall.IsSessionRefresher);
        T38TestSupport.AssertSamePages(document, received);
    }

    [Theory]
    [InlineData("MD5", "right", 200)]
    [InlineData("SHA-256", "right", 200)]
    [InlineData("SHA-256", "wrong", 407)]
    public async Task An_invite_challenged_with_407_is_sent_again_with_credentials(string algorithm, string password, int expected)
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var invites = new System.Collections.Concurrent.ConcurrentQueue<FaxPost.Telephony.Sip.SipRequest>();
        b.IncomingCall = async (incoming, ct) =>
        {
            invites.Enqueue(incoming.Invite);
            var header = incoming.Invite.ProxyAuthorization.FirstOrDefault();
            if (header is null || !FaxPost.Telephony.Sip.Auth.DigestParameters.TryParse(header.AsSpan(7), out var p) ||
                p["response"] != FaxPost.Telephony.Sip.Auth.DigestAuthenticator.ComputeResponse(
                    algorithm == "MD5" ? FaxPost.Telephony.Sip.Auth.DigestAlgorithm.Md5 : FaxPost.Telephony.Sip.Auth.DigestAlgorithm.Sha256,
                    "trunkuser", "proxy.test", "right", p["nonce"], "INVITE", p["uri"], p.GetValueOrDefault("qop"), p.GetValueOrDefault("nc"), p.GetValueOrDefault("cnonce")))
            {
                incoming.Reject(407, null, [new("Proxy-Authenticate", $"Digest realm=\"proxy.test\", nonce=\"{Guid.NewGuid():N}\", qop=\"auth\", algorithm={algorithm}")]);
                return;
            }

            await incoming.AnswerAsync(ct);
        };

        var result = await Within(a.InviteAsync(new SipInviteOptions
        {
            Target = UriOf(b, SipTransportKind.Udp),
            Credentials = new FaxPost.Telephony.Sip.Auth.SipCredentials("trunkuser", password),
        }));
        Assert.Equal(expected, result.StatusCode);
        var seen = invites.ToArray();
        Assert.Equal(2, seen.Length); // one challenge, one answer: no loop on a wrong password
        Assert.Equal(seen[0].CallId, seen[1].CallId);
        Assert.Equal(seen[0].From.Tag, seen[1].From.Tag);
        Assert.Equal(seen[0].CSeq.Number + 1, seen[1].CSeq.Number);
        Assert.NotEqual(seen[0].TopVia!.Branch, seen[1].TopVia!.Branch);
        if (result.Call is { } call)
        {
            await call.HangUpAsync();
        }
    }

    [Fact]
    public async Task Four_fax_calls_at_once_each_deliver_their_own_pages()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var results = new System.Collections.Concurrent.ConcurrentDictionary<string, SipFaxResult>();
        b.IncomingCall = async (incoming, ct) =>
        {
            var call = await incoming.AnswerAsync(ct);
            var output = Path.Combine(_dir, incoming.RequestUri.User + ".tif");
            results[incoming.RequestUri.User!] = await call.ReceiveFaxAsync(output, FaxSettings(SipT38Policy.Wait, "+2 222"), ct: ct);
        };

        async Task<SipFaxResult> SendOne(string user)
        {
            var invite = await a.InviteAsync(UriOf(b, SipTransportKind.Udp, user));
            Assert.True(invite.IsSuccess, invite.ToString());
            return await invite.Call!.SendFaxAsync(document, FaxSettings(SipT38Policy.Offer, "+1 111"));
        }

        var users = new[] { "l1", "l2", "l3", "l4" };
        var sent = await Within(Task.WhenAll(users.Select(SendOne)), 120);
        Assert.All(sent, r => Assert.True(r.Success, r.ToString()));
        await Eventually(() => results.Count == 4, "four receptions", 60);
        foreach (var user in users)
        {
            Assert.True(results[user].Success, results[user].ToString());
            T38TestSupport.AssertSamePages(document, Path.Combine(_dir, user + ".tif"));
        }

        await Eventually(() => a.ActiveCalls == 0 && b.ActiveCalls == 0, "all calls ended");
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
