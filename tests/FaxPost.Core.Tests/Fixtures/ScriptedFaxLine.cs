using System.Collections.Concurrent;
using FaxPost.Core.Lines;

namespace FaxPost.Core.Tests.Fixtures;

/// <summary>One scripted call: how it ends and how many pages the "far end" confirms first.
/// <paramref name="Hold"/> keeps the call open until the test releases it.</summary>
public sealed record ScriptedCall(CallResult Result, int ConfirmPages = int.MaxValue, TaskCompletionSource? Hold = null, string? RemoteId = "+49 30 999");

/// <summary>
/// A test line (a fixture, not a product feature): each call takes the next scripted outcome,
/// reports progress page by page as a real line would, and records what it was asked to send.
/// </summary>
public sealed class ScriptedFaxLine(string name = "scripted", int channels = 4) : IFaxLine
{
    private readonly ConcurrentQueue<ScriptedCall> _script = new();
    private int _active;
    private int _maxActive;

    public string Name => name;

    public int Channels => channels;

    public ConcurrentQueue<OutboundCall> Calls { get; } = new();

    /// <summary>Most calls that were in progress at the same time.</summary>
    public int MaxConcurrent => Volatile.Read(ref _maxActive);

    public Func<string, bool> ServesNumber { get; set; } = _ => true;

    public ScriptedFaxLine Then(ScriptedCall call)
    {
        _script.Enqueue(call);
        return this;
    }

    public bool Serves(string e164) => ServesNumber(e164);

    /// <summary>What <see cref="HasFreeChannelFor"/> answers (a line whose trunks for a number are all busy says no).</summary>
    public Func<string, bool> FreeChannelFor { get; set; } = _ => true;

    public bool HasFreeChannelFor(string e164) => FreeChannelFor(e164);

    public async Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct)
    {
        Calls.Enqueue(call);
        int active = Interlocked.Increment(ref _active);
        InterlockedMax(ref _maxActive, active);
        try
        {
            var step = _script.TryDequeue(out var s) ? s : new ScriptedCall(CallResult.Success);
            reporter.Progress(new CallProgress(CallPhase.Dialling, 0, call.PageCount - call.FirstPage, null));
            if (step.Hold is not null)
            {
                await step.Hold.Task.WaitAsync(ct).ConfigureAwait(false);
            }

            if (step.Result is CallResult.Busy or CallResult.NoAnswer or CallResult.PermanentFailure or CallResult.LineUnavailable)
            {
                return new CallOutcome(step.Result, 0, null, TimeSpan.FromSeconds(20), step.Result.ToString(), name);
            }

            reporter.Progress(new CallProgress(CallPhase.Connected, 0, call.PageCount - call.FirstPage, step.RemoteId));
            int toSend = call.PageCount - call.FirstPage;
            int confirmed = Math.Min(step.ConfirmPages, toSend);
            for (int page = 1; page <= confirmed; page++)
            {
                ct.ThrowIfCancellationRequested();
                reporter.Progress(new CallProgress(CallPhase.SendingPage, page, toSend, step.RemoteId));
                await reporter.PageConfirmedAsync(page, ct).ConfigureAwait(false);
            }

            string reason = step.Result == CallResult.Success ? "all pages confirmed" : $"call dropped after {confirmed} page(s)";
            return new CallOutcome(step.Result, confirmed, step.RemoteId, TimeSpan.FromSeconds(30 * confirmed), reason, name, 14400, true);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    public Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
