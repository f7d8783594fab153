using System.Collections.Concurrent;
using System.Net;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.T38;
using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>Two UAs on loopback, log capture, and the fax settings the tests use.</summary>
internal static class SipStackTestSupport
{
    public static SipUserAgentOptions Options(SipTransportKind transport) => new()
    {
        Udp = new IPEndPoint(IPAddress.Loopback, 0),
        Tcp = transport == SipTransportKind.Tcp ? new IPEndPoint(IPAddress.Loopback, 0) : null,
        DefaultTransport = transport,
        AdvertisedHost = "127.0.0.1",
        MediaBindAddress = IPAddress.Loopback,
    };

    public static async Task<SipUserAgent> StartAsync(SipUserAgentOptions options, CapturingLogger? log = null, TimeProvider? time = null)
    {
        var ua = new SipUserAgent(options, log, time);
        await ua.StartAsync();
        return ua;
    }

    /// <summary>The URI that reaches <paramref name="ua"/> over <paramref name="transport"/>.</summary>
    public static SipUri UriOf(SipUserAgent ua, SipTransportKind transport, string user = "fax")
    {
        var ep = ua.LocalEndPoint(transport)!;
        var suffix = transport == SipTransportKind.Tcp ? ";transport=tcp" : "";
        return SipUri.Parse($"sip:{user}@127.0.0.1:{ep.Port}{suffix}");
    }

    public static SipFaxOptions FaxSettings(SipT38Policy policy, string ident) => new()
    {
        Policy = policy,
        WaitForT38 = TimeSpan.FromSeconds(20),
        Endpoint = new T38EndpointOptions
        {
            Pacing = false,
            Capabilities = new() { Ecm = true, T6 = true },
            LocalIdent = ident,
            T1 = TimeSpan.FromSeconds(20),
            CallTimeout = TimeSpan.FromSeconds(90),
        },
    };

    /// <summary><paramref name="a"/> calls <paramref name="b"/> over UDP and <paramref name="b"/> answers: both ends of the call.</summary>
    public static async Task<(SipCall Call, SipCall Peer)> AnsweredCallAsync(SipUserAgent a, SipUserAgent b)
    {
        var answered = new TaskCompletionSource<SipCall>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.IncomingCall = async (incoming, ct) => answered.TrySetResult(await incoming.AnswerAsync(ct));
        var call = (await Within(a.InviteAsync(UriOf(b, SipTransportKind.Udp)))).Call!;
        return (call, await Within(answered.Task));
    }

    public static async Task<T> Within<T>(Task<T> task, int seconds = 60) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    public static async Task Within(Task task, int seconds = 60) => await task.WaitAsync(TimeSpan.FromSeconds(seconds));

    /// <summary>Waits (real time, generous) until <paramref name="condition"/> holds; fails with <paramref name="what"/>.</summary>
    public static async Task Eventually(Func<bool> condition, string what, int seconds = 20)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, $"timed out waiting for: {what}");
            await Task.Delay(20);
        }
    }
}

/// <summary>Keeps every log line (formatted) so tests can check what was said, and what was not.</summary>
internal sealed class CapturingLogger : ILogger<SipUserAgent>
{
    public ConcurrentQueue<(LogLevel Level, EventId Id, string Text)> Lines { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Enqueue((logLevel, eventId, formatter(state, exception)));

    public string All => string.Join("\n", Lines.Select(l => l.Text));
}
