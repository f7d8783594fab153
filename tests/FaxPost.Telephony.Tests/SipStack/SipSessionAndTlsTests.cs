using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using Microsoft.Extensions.Time.Testing;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>Session timers driven by a fake clock, OPTIONS keep-alive, and SIP over TLS.</summary>
public sealed class SipSessionAndTlsTests
{
    private static readonly SipUserAgentOptions ShortSessions = Options(SipTransportKind.Udp) with { SessionExpires = TimeSpan.FromSeconds(90) };

    [Fact]
    public async Task The_refresher_sends_an_update_halfway_through_the_session_interval()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartAsync(ShortSessions, null, clock);
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var bCall = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) => bCall.TrySetResult(await incoming.AnswerAsync(ct));

        var invite = await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)));
        var call = invite.Call!;
        var peer = await Within(bCall.Task);
        Assert.Equal(TimeSpan.FromSeconds(90), call.SessionInterval);
        Assert.True(call.IsSessionRefresher);
        Assert.False(peer.IsSessionRefresher);

        clock.Advance(TimeSpan.FromSeconds(44));
        await Task.Delay(200);
        Assert.Equal(0, peer.SessionRefreshesReceived);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually(() => peer.SessionRefreshesReceived == 1 && call.SessionRefreshesSent == 1, "the refresh at 45 s");
        Assert.Equal(SipCallState.Established, call.State);

        // And again 45 s after that: the timer restarts with each refresh.
        clock.Advance(TimeSpan.FromSeconds(46));
        await Eventually(() => peer.SessionRefreshesReceived == 2, "the second refresh");
        await call.HangUpAsync();
    }

    [Fact]
    public async Task Without_refresh_the_other_side_hangs_up_before_the_session_expires()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartAsync(ShortSessions);
        await using var b = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        var (call, peer) = await AnsweredCallAsync(a, b);

        // RFC 4028 §10: the non-refresher gives up at interval − min(32 s, interval/3) = 60 s.
        clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(200);
        Assert.Equal(SipCallState.Established, peer.State);
        clock.Advance(TimeSpan.FromSeconds(2));
        var end = await Within(peer.Ended);
        Assert.Equal(SipCallEndReason.SessionExpired, end.Reason);
        Assert.Equal(SipCallEndReason.RemoteHangUp, (await Within(call.Ended)).Reason);
    }

    [Fact]
    public async Task Options_keep_alive_reports_200_from_a_peer_and_408_from_silence()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        Assert.Equal(200, await Within(a.PingAsync(UriOf(b, SipTransportKind.Udp))));

        using var silent = new SipRawPeer();
        var ping = a.PingAsync(SipUri.Parse($"sip:nobody@127.0.0.1:{silent.Port}"));
        for (var i = 0; i < 33 && !ping.IsCompleted; i++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(10);
        }

        Assert.Equal(408, await Within(ping));
    }

    [Fact]
    public async Task The_keep_alive_loop_pings_at_each_interval()
    {
        var clock = new FakeTimeProvider();
        await using var a = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        await using var b = await StartAsync(Options(SipTransportKind.Udp));
        var statuses = new System.Collections.Concurrent.ConcurrentQueue<int>();
        using var stop = new CancellationTokenSource();
        var loop = a.RunKeepAliveAsync(UriOf(b, SipTransportKind.Udp), TimeSpan.FromSeconds(30), statuses.Enqueue, stop.Token);
        await Eventually(() => statuses.Count == 1, "first ping");
        clock.Advance(TimeSpan.FromSeconds(29));
        await Task.Delay(200);
        Assert.Single(statuses);
        clock.Advance(TimeSpan.FromSeconds(1));
        await Eventually(() => statuses.Count == 2, "second ping after 30 s");
        await stop.CancelAsync();
        await Within(loop);
        Assert.All(statuses, s => Assert.Equal(200, s));
    }

    [Fact]
    public async Task Two_UAs_call_each_other_over_TLS()
    {
        using var certificate = SelfSigned();
        SipUserAgentOptions Tls() => new()
        {
            Udp = null,
            Tls = new IPEndPoint(IPAddress.Loopback, 0),
            TlsCertificate = certificate,
            TlsCertificateValidation = (_, cert, _, _) => cert?.GetCertHashString() == certificate.GetCertHashString(),
            DefaultTransport = SipTransportKind.Tls,
            AdvertisedHost = "127.0.0.1",
            MediaBindAddress = IPAddress.Loopback,
        };

        await using var a = await StartAsync(Tls());
        await using var b = await StartAsync(Tls());
        var bCall = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) =>
        {
            Assert.Equal(SipTransportKind.Tls, incoming.Source.Transport);
            bCall.TrySetResult(await incoming.AnswerAsync(ct));
        };

        var target = SipUri.Parse($"sips:fax@127.0.0.1:{b.LocalEndPoint(SipTransportKind.Tls)!.Port}");
        Assert.Equal(200, await Within(a.PingAsync(target)));
        var invite = await Within(a.InviteAsync(target, SipInviteOffer.T38));
        Assert.True(invite.IsSuccess, invite.ToString());
        Assert.NotNull(invite.Call!.T38);
        var peer = await Within(bCall.Task);
        Assert.StartsWith("sips:", peer.RemoteTarget.ToString(), StringComparison.Ordinal);
        await invite.Call.HangUpAsync();
        Assert.Equal(SipCallEndReason.RemoteHangUp, (await Within(peer.Ended)).Reason);
    }

    private static X509Certificate2 SelfSigned()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=faxpost.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pfx), null);
    }
}
