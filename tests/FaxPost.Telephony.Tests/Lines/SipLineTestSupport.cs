using System.Collections.Concurrent;
using FaxPost.Core.Lines;
using FaxPost.Core.Numbering;
using FaxPost.Telephony.Lines;
using FaxPost.Telephony.T38;
using FaxPost.Telephony.Trunks;
using Microsoft.Extensions.Logging;

namespace FaxPost.Telephony.Tests.Lines;

/// <summary>SIP lines on loopback, a sink that records what the post office would see, and log capture.</summary>
internal static class SipLineTestSupport
{
    public static OrganisationNumbering Numbering(string area, string baseNumber) => new()
    {
        CountryCode = "49",
        AreaCode = area,
        BaseNumber = baseNumber,
        MaxExtensionLength = 3,
    };

    /// <summary>A trunk to (or from) a peer on loopback that does not register.</summary>
    public static SipTrunkOptions PeerTrunk(string name, int port, Action<SipTrunkOptions>? change = null)
    {
        var trunk = new SipTrunkOptions
        {
            Name = name,
            Registrar = $"127.0.0.1:{port}",
            Register = false,
            Channels = 2,
            NumberFormat = TrunkNumberFormat.E164WithoutPlus,
            InboundAddresses = ["127.0.0.1"],
        };
        change?.Invoke(trunk);
        return trunk;
    }

    public static async Task<SipFaxLine> StartAsync(OrganisationNumbering numbering, LogCapture log, params SipTrunkOptions[] trunks)
    {
        var line = new SipFaxLine(
            new SipFaxLineOptions
            {
                Sip = new SipOptions
                {
                    Listen = [new SipListenOptions { Transport = SipTrunkTransport.Udp, Address = "127.0.0.1", Port = 0 }],
                    Trunks = [.. trunks],
                },
                Numbering = numbering,
                MediaBindAddress = System.Net.IPAddress.Loopback,
                WaitForT38 = TimeSpan.FromSeconds(20),
                RingTimeout = TimeSpan.FromSeconds(30),
                Endpoint = new T38EndpointOptions
                {
                    Pacing = false,
                    Capabilities = new() { Ecm = true, T6 = true },
                    T1 = TimeSpan.FromSeconds(20),
                    CallTimeout = TimeSpan.FromSeconds(90),
                },
            },
            log);
        await line.StartAsync();
        return line;
    }

    public static int Port(SipFaxLine line) => line.LocalEndPoint(SipTrunkTransport.Udp)!.Port;
}

/// <summary>A post office stand-in: records each offered call, hands out a file, and waits for the end.</summary>
internal sealed class RecordingSink(string directory) : IInboundCallSink
{
    private int _count;

    public ConcurrentQueue<IncomingCall> Offered { get; } = new();

    /// <summary>Return null (refuse, as a full post office does) instead of a reception.</summary>
    public bool Refuse { get; set; }

    /// <summary>Held before answering: lets a test keep a call ringing.</summary>
    public Task Hold { get; set; } = Task.CompletedTask;

    public TaskCompletionSource<Received> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task<InboundReception?> OfferAsync(IncomingCall call, CancellationToken ct)
    {
        Offered.Enqueue(call);
        await Hold.WaitAsync(ct);
        return Refuse ? null : new Reception(this, Path.Combine(directory, $"in-{Interlocked.Increment(ref _count)}.tif"));
    }

    public sealed record Received(string Path, int Pages, CallOutcome Outcome, string? SenderId);

    private sealed class Reception(RecordingSink sink, string path) : InboundReception
    {
        private string? _senderId;

        public override string DocumentPath => path;

        public override Task IdentifiedAsync(string? senderId, string? subAddress, CancellationToken ct)
        {
            _senderId = senderId;
            return Task.CompletedTask;
        }

        public override Task CompleteAsync(int pages, CallOutcome outcome, CancellationToken ct)
        {
            sink.Completed.TrySetResult(new Received(path, pages, outcome, _senderId));
            return Task.CompletedTask;
        }
    }
}

internal sealed class RecordingReporter : ICallReporter
{
    public ConcurrentQueue<CallProgress> Progressed { get; } = new();

    public ConcurrentQueue<int> Confirmed { get; } = new();

    public void Progress(CallProgress progress) => Progressed.Enqueue(progress);

    public Task PageConfirmedAsync(int page, CancellationToken ct)
    {
        Confirmed.Enqueue(page);
        return Task.CompletedTask;
    }
}

/// <summary>Every log line of every category, formatted, for checking what was (and was not) said.</summary>
internal sealed class LogCapture : ILoggerFactory
{
    public ConcurrentQueue<(string Category, EventId Id, string Text)> Lines { get; } = new();

    public string All => string.Join("\n", Lines.Select(l => $"{l.Category}[{l.Id.Id}] {l.Text}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture capture, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            capture.Lines.Enqueue((category, eventId, formatter(state, exception)));
    }
}
