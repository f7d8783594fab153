using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Stack;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>REGISTER with Digest against an in-test registrar on a second UA.</summary>
public sealed class SipRegistrationTests
{
    [Theory]
    [InlineData(SipTransportKind.Udp, "MD5")]
    [InlineData(SipTransportKind.Udp, "SHA-256")]
    [InlineData(SipTransportKind.Tcp, "SHA-256")]
    public async Task Register_answers_the_challenge_and_is_granted(SipTransportKind transport, string algorithm)
    {
        var registrar = new TestRegistrar("alice", "s3cret!", algorithm);
        await using var server = await StartAsync(Options(transport));
        server.RequestHandler = registrar.HandleAsync;
        var log = new CapturingLogger();
        await using var ua = await StartAsync(Options(transport), log);

        var result = await Within(ua.RegisterAsync(new SipRegistration
        {
            Registrar = UriOf(server, transport, "registrar"),
            AddressOfRecord = SipUri.Parse("sip:alice@faxpost.test"),
            Credentials = new SipCredentials("alice", "s3cret!"),
            Expires = TimeSpan.FromSeconds(600),
        }));

        Assert.True(result.Success, result.ToString());
        Assert.Equal(TimeSpan.FromSeconds(600), result.Expires);
        Assert.Equal(2, registrar.Count);
        var requests = registrar.Requests.ToArray();
        Assert.Empty(requests[0].Authorization);
        Assert.Contains($"algorithm={algorithm}", requests[1].Authorization[0], StringComparison.Ordinal);
        // RFC 3261 §10.2.4: the same Call-ID, a growing CSeq.
        Assert.Equal(requests[0].CallId, requests[1].CallId);
        Assert.Equal(requests[0].CSeq.Number + 1, requests[1].CSeq.Number);
        Assert.Contains(ua.LocalEndPoint(transport)!.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            registrar.Bindings["sip:alice@faxpost.test"].Contact, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", log.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interval_too_brief_is_retried_with_min_expires()
    {
        var registrar = new TestRegistrar("alice", "pw") { MinExpires = 300 };
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        await using var ua = await StartAsync(Options(SipTransportKind.Udp));
        var result = await Within(ua.RegisterAsync(new SipRegistration
        {
            Registrar = UriOf(server, SipTransportKind.Udp),
            AddressOfRecord = SipUri.Parse("sip:alice@faxpost.test"),
            Credentials = new SipCredentials("alice", "pw"),
            Expires = TimeSpan.FromSeconds(60),
        }));
        Assert.True(result.Success, result.ToString());
        Assert.Equal(TimeSpan.FromSeconds(300), result.Expires);
    }

    [Fact]
    public async Task A_wrong_password_fails_once_with_one_clear_log_line_and_no_retry_storm()
    {
        var registrar = new TestRegistrar("alice", "right");
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        var log = new CapturingLogger();
        var clock = new FakeTimeProvider(DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var ua = await StartAsync(Options(SipTransportKind.Udp), log, clock);
        var keeper = ua.KeepRegistered(new SipRegistration
        {
            Registrar = UriOf(server, SipTransportKind.Udp),
            AddressOfRecord = SipUri.Parse("sip:alice@faxpost.test"),
            Credentials = new SipCredentials("alice", "wrong-password-xyz"),
        }, credentialsRetry: TimeSpan.FromMinutes(30));
        await Within(keeper.FirstAttempt);

        Assert.Equal(SipRegistrationState.CredentialsRejected, keeper.State);
        Assert.True(keeper.LastResult!.CredentialsRejected);
        Assert.Equal(401, keeper.LastResult.StatusCode);
        Assert.Equal(2, registrar.Count); // the challenge, our one answer: no more
        var errors = log.Lines.Where(l => l.Level == LogLevel.Error).ToList();
        var line = Assert.Single(errors);
        Assert.Equal(5112, line.Id.Id);
        Assert.Contains("refused the credentials of user 'alice'", line.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("wrong-password-xyz", log.All, StringComparison.Ordinal);

        // Nothing more until the long pause is over, then exactly one more exchange.
        clock.Advance(TimeSpan.FromMinutes(29));
        await Task.Delay(300);
        Assert.Equal(2, registrar.Count);
        clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually(() => registrar.Count == 4, "the retry after 30 minutes");
        await Eventually(() => keeper.Attempts == 2, "second attempt finished");
        Assert.Single(log.Lines, l => l.Level == LogLevel.Error); // not logged again while it keeps failing
        await keeper.DisposeAsync();
    }

    [Fact]
    public async Task The_keeper_refreshes_before_expiry_and_unregisters_when_disposed()
    {
        var registrar = new TestRegistrar("alice", "pw");
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        var clock = new FakeTimeProvider();
        await using var ua = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        var keeper = ua.KeepRegistered(new SipRegistration
        {
            Registrar = UriOf(server, SipTransportKind.Udp),
            AddressOfRecord = SipUri.Parse("sip:alice@faxpost.test"),
            Credentials = new SipCredentials("alice", "pw"),
            Expires = TimeSpan.FromSeconds(120),
        });
        await Within(keeper.FirstAttempt);
        Assert.Equal(SipRegistrationState.Registered, keeper.State);
        var afterFirst = registrar.Count;

        // Refreshed halfway through the 120 s binding (60 s), not before.
        clock.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(300);
        Assert.Equal(afterFirst, registrar.Count);
        clock.Advance(TimeSpan.FromSeconds(2));
        await Eventually(() => keeper.Attempts == 2, "the refresh");
        Assert.Equal(SipRegistrationState.Registered, keeper.State);
        Assert.True(registrar.Bindings.ContainsKey("sip:alice@faxpost.test"));

        await keeper.DisposeAsync();
        Assert.False(registrar.Bindings.ContainsKey("sip:alice@faxpost.test"));
        Assert.Equal(0, registrar.Requests.Last().Expires);
    }

    [Fact]
    public async Task Failures_back_off_and_recover()
    {
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        var answer = 503;
        var count = 0;
        server.RequestHandler = (r, _) =>
        {
            Interlocked.Increment(ref count);
            r.Respond(Volatile.Read(ref answer));
            return Task.CompletedTask;
        };
        var clock = new FakeTimeProvider();
        await using var ua = await StartAsync(Options(SipTransportKind.Udp), null, clock);
        var keeper = ua.KeepRegistered(new SipRegistration { Registrar = UriOf(server, SipTransportKind.Udp), AddressOfRecord = SipUri.Parse("sip:a@faxpost.test") },
            firstBackoff: TimeSpan.FromSeconds(30));
        await Within(keeper.FirstAttempt);
        Assert.Equal(SipRegistrationState.Failed, keeper.State);
        Assert.Equal(1, count);

        clock.Advance(TimeSpan.FromSeconds(31));
        await Eventually(() => keeper.Attempts == 2, "first retry after 30 s");
        // The second back-off is 60 s: 31 s more is not enough.
        clock.Advance(TimeSpan.FromSeconds(31));
        await Task.Delay(300);
        Assert.Equal(2, count);
        Volatile.Write(ref answer, 200);
        clock.Advance(TimeSpan.FromSeconds(30));
        await Eventually(() => keeper.State == SipRegistrationState.Registered, "registered after the service came back");
        await keeper.DisposeAsync();
    }
}
