using FaxPost.Telephony.Sdp;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>Offer/answer placements other than offer-in-INVITE, and re-INVITEs crossing each other.</summary>
public sealed class SipOfferAnswerFlowTests
{
    [Fact]
    public async Task An_invite_without_sdp_gets_our_offer_in_the_200_and_the_answer_from_the_ack()
    {
        await using var ua = await StartAsync(Options(SipTransportKind.Udp));
        var answered = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        ua.IncomingCall = async (incoming, ct) =>
        {
            Assert.Null(incoming.Offer);
            answered.TrySetResult(await incoming.AnswerAsync(ct));
        };
        using var peer = new SipRawPeer();
        var target = ua.LocalEndPoint(SipTransportKind.Udp)!;
        peer.Send(peer.Fill("""
            INVITE sip:fax@127.0.0.1 SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{port};branch={branch};rport
            Max-Forwards: 70
            From: <sip:peer@127.0.0.1>;tag=p1
            To: <sip:fax@127.0.0.1>
            Call-ID: late-offer@test
            CSeq: 1 INVITE
            Contact: <sip:peer@127.0.0.1:{port}>
            Content-Length: 0


            """), target);

        SipResponse? ok = null;
        while (ok is null)
        {
            var r = await peer.ReceiveAsync();
            Assert.NotNull(r);
            ok = r!.StatusCode == 200 ? r : null;
        }

        var offer = SdpSessionDescription.Parse(ok.Body.Span);
        Assert.Contains(offer.Media, m => m.IsAudio && m.Port != 0);
        var answer = "v=0\r\no=peer 7 7 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";
        peer.Send(peer.Fill($"""
            ACK sip:fax@127.0.0.1:{target.Port} SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{"{port}"};branch={"{branch}"};rport
            Max-Forwards: 70
            From: <sip:peer@127.0.0.1>;tag=p1
            To: {ok.GetHeader(SipHeaderKind.To)}
            Call-ID: late-offer@test
            CSeq: 1 ACK
            Content-Type: application/sdp
            Content-Length: {answer.Length}

            {answer}
            """.TrimEnd('\n', '\r') + "\r\n"), target);

        var call = await Within(answered.Task);
        Assert.Equal(5004, call.RemoteSdp!.Media.Single().Port);
        Assert.Null(call.T38);

        // The peer hangs up: BYE in the dialog gets 200 and ends the call.
        peer.Send(peer.Fill($"""
            BYE sip:fax@127.0.0.1:{target.Port} SIP/2.0
            Via: SIP/2.0/UDP 127.0.0.1:{"{port}"};branch={"{branch}"};rport
            Max-Forwards: 70
            From: <sip:peer@127.0.0.1>;tag=p1
            To: {ok.GetHeader(SipHeaderKind.To)}
            Call-ID: late-offer@test
            CSeq: 2 BYE
            Content-Length: 0


            """), target);
        SipResponse? byeOk = null;
        while (byeOk is null)
        {
            var r = await peer.ReceiveAsync();
            Assert.NotNull(r);
            byeOk = r!.CSeq.Method == "BYE" ? r : null;
        }

        Assert.Equal(200, byeOk.StatusCode);
        Assert.Equal(SipCallEndReason.RemoteHangUp, (await Within(call.Ended)).Reason);
    }

    [Fact]
    public async Task Crossing_reinvites_both_end_on_T38()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var (call, peer) = await AnsweredCallAsync(a, b);

        // Both sides switch at once; RFC 3261 §14.1 glare (491) is resolved by the random waits.
        var results = await Within(Task.WhenAll(call.SwitchToT38Async(), peer.SwitchToT38Async()));
        Assert.All(results, r => Assert.True(r.IsSuccess && r.T38Agreed, r.ToString()));
        Assert.NotNull(call.T38);
        Assert.NotNull(peer.T38);
        Assert.Equal(peer.LocalT38Port, call.RemoteT38EndPoint!.Port);
        Assert.Equal(call.LocalT38Port, peer.RemoteT38EndPoint!.Port);
        await call.HangUpAsync();
    }

    [Fact]
    public async Task A_reinvite_offering_nothing_we_take_gets_488_and_the_call_stays()
    {
        await using var a = await StartAsync(Options(SipTransportKind.Udp));
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var (call, peer) = await AnsweredCallAsync(a, b);

        var video = SdpSessionDescription.Parse("v=0\r\no=- 9 9 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=video 6000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n");
        var result = await Within(call.ReinviteAsync(video));
        Assert.Equal(488, result.StatusCode);
        Assert.Equal(SipCallState.Established, call.State);
        Assert.Equal(SipCallState.Established, peer.State);
        Assert.Equal(200, await Within(call.RefreshSessionAsync(preferUpdate: false)));
        await call.HangUpAsync();
    }

    [Fact]
    public async Task A_peer_that_ignores_our_cancel_is_given_up_after_64_T1()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var ua = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        using var peer = new SipRawPeer();
        using var hangUp = new CancellationTokenSource();
        var invite = ua.InviteAsync(SipUri.Parse($"sip:fax@127.0.0.1:{peer.Port}"), SipInviteOffer.Audio, hangUp.Token);

        var (request, from) = (await peer.ReceiveRequestAsync())!.Value;
        Assert.Equal("INVITE", request.Method);
        peer.Send(SipOutgoingMessage.ResponseTo(request, 180, null, "rt").ToArray(), from);
        await Task.Delay(200);
        await hangUp.CancelAsync();
        var cancel = (await peer.ReceiveRequestAsync())!.Value.Request;
        Assert.Equal("CANCEL", cancel.Method);
        Assert.Equal(request.TopVia!.Branch, cancel.TopVia!.Branch); // §9.1: it matches the INVITE's transaction
        Assert.False(invite.IsCompleted);

        // The peer says nothing more; after 64*T1 the INVITE is given up.
        for (var i = 0; i < 34 && !invite.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(20);
        }

        var result = await Within(invite);
        Assert.Equal(487, result.StatusCode);
        Assert.Null(result.Call);
    }

    [Fact]
    public async Task A_reinvite_challenged_by_the_trunk_is_sent_again_with_the_call_credentials()
    {
        await using var ua = await StartAsync(Options(SipTransportKind.Udp));
        using var peer = new SipRawPeer();
        async Task<(SipRequest Request, System.Net.IPEndPoint From)> Next(string method)
        {
            while (true)
            {
                var got = await peer.ReceiveRequestAsync();
                Assert.NotNull(got);
                if (got!.Value.Request.Method == method)
                {
                    return got.Value;
                }
            }
        }

        string Sdp(string media) => $"v=0\r\no=trunk 1 {media.Length} IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n{media}";
        SipOutgoingMessage Ok(SipRequest request, string sdp) =>
            SipOutgoingMessage.ResponseTo(request, 200, null, "pt").Add(SipHeaderKind.Contact, $"<sip:trunk@127.0.0.1:{peer.Port}>").WithBody(sdp, "application/sdp");

        var inviting = ua.InviteAsync(new SipInviteOptions
        {
            Target = SipUri.Parse($"sip:123@127.0.0.1:{peer.Port}"),
            Credentials = new FaxPost.Telephony.Sip.Auth.SipCredentials("carrier", "pw"),
        });
        var (invite, from) = await Next("INVITE");
        peer.Send(Ok(invite, Sdp("m=audio 5004 RTP/AVP 0\r\n")).ToArray(), from);
        var call = (await Within(inviting)).Call!;
        await Next("ACK");

        var switching = call.SwitchToT38Async();
        var (first, _) = await Next("INVITE");
        Assert.Empty(first.ProxyAuthorization);
        var challenge = SipOutgoingMessage.ResponseTo(first, 407, null, "pt")
            .Add(SipHeaderKind.ProxyAuthenticate, "Digest realm=\"carrier.test\", nonce=\"abc123\", qop=\"auth\", algorithm=SHA-256");
        peer.Send(challenge.ToArray(), from);
        var (second, _) = await Next("INVITE");
        var header = Assert.Single(second.ProxyAuthorization);
        Assert.True(FaxPost.Telephony.Sip.Auth.DigestParameters.TryParse(header.AsSpan(7), out var p));
        var expected = FaxPost.Telephony.Sip.Auth.DigestAuthenticator.ComputeResponse(FaxPost.Telephony.Sip.Auth.DigestAlgorithm.Sha256,
            "carrier", "carrier.test", "pw", "abc123", "INVITE", p["uri"], "auth", p["nc"], p["cnonce"]);
        Assert.Equal(expected, p["response"]);
        Assert.Equal(first.CSeq.Number + 1, second.CSeq.Number);
        peer.Send(Ok(second, Sdp("m=image 6000 udptl t38\r\na=T38FaxVersion:0\r\na=T38MaxBitRate:14400\r\na=T38FaxUdpEC:t38UDPRedundancy\r\n")).ToArray(), from);

        var result = await Within(switching);
        Assert.True(result.IsSuccess && result.T38Agreed, result.ToString());
        Assert.Equal(6000, call.RemoteT38EndPoint!.Port);
        Assert.Equal(second.CSeq.Number, (await Next("ACK")).Request.CSeq.Number);
    }
}
