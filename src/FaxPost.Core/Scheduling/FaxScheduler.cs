using System.Collections.Concurrent;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Log;
using FaxPost.Core.Numbering;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Scheduling;

/// <summary>
/// Runs queued jobs on the lines: highest priority first, then oldest; respects not-before times,
/// the line budget (total lines less those reserved for incoming calls), each line's channels and
/// the per-destination limit. Internal destinations are delivered straight into the mailbox and
/// never use a line (seed 002). Each attempt is recorded in the job's history and the send log;
/// every page the far end confirms is stored at once, so after a crash a retry resumes after the
/// last confirmed page and no confirmed page is sent twice.
/// </summary>
public sealed partial class FaxScheduler
{
    private static readonly JobState[] Runnable = [JobState.Queued, JobState.WaitingToRetry];
    private static readonly TimeSpan IdleRescan = TimeSpan.FromSeconds(30);

    private readonly IPostOfficeStore _store;
    private readonly IDocumentStore _documents;
    private readonly IReadOnlyList<IFaxLine> _lines;
    private readonly LineBudget _budget;
    private readonly FaxPostOptions _options;
    private readonly OrganisationNumbering _numbering;
    private readonly RetryPolicy _retry;
    private readonly FaxIntake _intake;
    private readonly JobProgressHub _progress;
    private readonly Observers _observers;
    private readonly TimeProvider _time;
    private readonly ILogger<FaxScheduler> _logger;
    private readonly SemaphoreSlim _wake = new(0, int.MaxValue);
    private readonly ConcurrentDictionary<long, CancellationTokenSource> _running = new();
    private readonly ConcurrentDictionary<string, int> _perDestination = new();
    private readonly ConcurrentDictionary<IFaxLine, int> _perLine = new();
    private readonly List<Task> _attempts = [];
    private volatile bool _stopping;

    public FaxScheduler(
        IPostOfficeStore store,
        IDocumentStore documents,
        IEnumerable<IFaxLine> lines,
        LineBudget budget,
        FaxPostOptions options,
        FaxIntake intake,
        JobProgressHub progress,
        Observers observers,
        TimeProvider time,
        ILogger<FaxScheduler> logger)
    {
        _store = store;
        _documents = documents;
        _lines = lines.ToList();
        _budget = budget;
        _options = options;
        _numbering = options.Numbering.Build();
        _retry = new RetryPolicy(options.Retry);
        _intake = intake;
        _progress = progress;
        _observers = observers;
        _time = time;
        _logger = logger;
    }

    /// <summary>Number of attempts in progress.</summary>
    public int Running => _running.Count;

    /// <summary>Calls in progress on the line (for the console's line status).</summary>
    public int CallsOn(IFaxLine line) => _perLine.TryGetValue(line, out int calls) ? calls : 0;

    /// <summary>Tells the scheduler that jobs changed (submitted, released, cancelled).</summary>
    public void Wake() => _wake.Release();

    /// <summary>Stops an attempt in progress (job cancelled). Returns false if the job is not running here.</summary>
    public bool Abort(long jobId)
    {
        if (_running.TryGetValue(jobId, out var cts))
        {
            cts.Cancel();
            return true;
        }

        return false;
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await RecoverAsync(ct).ConfigureAwait(false);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                DateTimeOffset wakeAt = await DispatchAsync(ct).ConfigureAwait(false);
                await SleepAsync(wakeAt, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            // Graceful shutdown: attempts in progress are aborted; their jobs are written back as
            // waiting to retry (with the pages confirmed so far), never left half-written.
            _stopping = true;
            foreach (var cts in _running.Values)
            {
                await cts.CancelAsync().ConfigureAwait(false);
            }

            Task[] attempts;
            lock (_attempts)
            {
                attempts = [.. _attempts];
            }

            await Task.WhenAll(attempts).ConfigureAwait(false);
        }
    }

    /// <summary>Sleeps until woken or until the injected clock reaches <paramref name="wakeAt"/>.
    /// The wait is measured from the clock when the timer is set, not when dispatch looked at it, and the
    /// clock is read again once the timer is set: a clock that moved in between cannot leave us asleep.</summary>
    private async Task SleepAsync(DateTimeOffset wakeAt, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var woken = _wake.WaitAsync(cts.Token);
        var remaining = wakeAt - _time.GetUtcNow();
        var timeout = remaining > TimeSpan.Zero ? Task.Delay(remaining, _time, cts.Token) : Task.CompletedTask;
        if (_time.GetUtcNow() < wakeAt)
        {
            await Task.WhenAny(woken, timeout).ConfigureAwait(false);
        }

        await cts.CancelAsync().ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>After a crash, attempts that were in progress are unknown: the pages confirmed so far are
    /// kept and the job waits to retry from the next page.</summary>
    private async Task RecoverAsync(CancellationToken ct)
    {
        foreach (var job in await _store.Jobs.InStatesAsync([JobState.InProgress], ct).ConfigureAwait(false))
        {
            job.State = JobState.WaitingToRetry;
            job.NextAttemptAt = _time.GetUtcNow();
            job.UpdatedAt = _time.GetUtcNow();
            string message = $"the server stopped during try {job.Tries}; {job.PagesSent} of {job.PageCount} page(s) were confirmed, the next try starts at page {job.PagesSent + 1}";
            if (await _store.Jobs.UpdateAsync(job, message, JobState.InProgress, ct).ConfigureAwait(false))
            {
                LogRecovered(job.Id, job.PagesSent);
            }
        }
    }

    /// <summary>Starts what can start now; returns when to look again (something becomes due, or the idle rescan).</summary>
    internal async Task<DateTimeOffset> DispatchAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var candidates = await _store.Jobs.InStatesAsync(Runnable, ct).ConfigureAwait(false);
        TimeSpan wait = IdleRescan;
        foreach (var job in candidates.OrderByDescending(j => j.Priority).ThenBy(j => j.NextAttemptAt ?? j.CreatedAt).ThenBy(j => j.Id))
        {
            var due = Later(job.NotBefore, job.NextAttemptAt);
            if (due is { } d && d > now)
            {
                wait = Min(wait, d - now);
                continue;
            }

            if (_running.ContainsKey(job.Id))
            {
                continue;
            }

            if (job.IsInternal)
            {
                await StartAsync(job, null, ct).ConfigureAwait(false);
                continue;
            }

            if (_perDestination.GetValueOrDefault(job.DialNumber) >= _options.Lines.PerDestination)
            {
                continue;
            }

            var line = _lines.FirstOrDefault(l => l.Serves(job.DialNumber) && _perLine.GetValueOrDefault(l) < l.Channels && l.HasFreeChannelFor(job.DialNumber));
            if (line is null)
            {
                if (_lines.Count == 0)
                {
                    await NoteWaitingAsync(job, NoLinesMessage, ct).ConfigureAwait(false);
                }
                else if (!_lines.Any(l => l.Serves(job.DialNumber)))
                {
                    await FinishAsync(job, JobState.Failed, "no configured line can reach this number", ct).ConfigureAwait(false);
                }

                continue;
            }

            if (!_budget.TryAcquireOutbound())
            {
                continue;
            }

            if (!await StartAsync(job, line, ct).ConfigureAwait(false))
            {
                _budget.ReleaseOutbound();
            }
        }

        return now + wait;
    }

    private const string NoLinesMessage = "waiting for a line: no fax line is configured";

    /// <summary>Says once in the job's history why it is still waiting.</summary>
    private async Task NoteWaitingAsync(FaxJob job, string message, CancellationToken ct)
    {
        if (job.LastError == message)
        {
            return;
        }

        job.LastError = message;
        job.UpdatedAt = _time.GetUtcNow();
        await _store.Jobs.UpdateAsync(job, message, job.State, ct).ConfigureAwait(false);
        Publish(job, message, null);
    }

    private async Task<bool> StartAsync(FaxJob job, IFaxLine? line, CancellationToken ct)
    {
        var from = job.State;
        job.State = JobState.InProgress;
        job.Tries++;
        job.UpdatedAt = _time.GetUtcNow();
        string message = line is null ? $"try {job.Tries}: delivering internally" : $"try {job.Tries} on {line.Name}";
        if (!await _store.Jobs.UpdateAsync(job, message, from, ct).ConfigureAwait(false))
        {
            // Another node (or a cancel) changed the job first.
            return false;
        }

        var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        _running[job.Id] = cts;
        if (line is not null)
        {
            _perDestination.AddOrUpdate(job.DialNumber, 1, (_, n) => n + 1);
            _perLine.AddOrUpdate(line, 1, (_, n) => n + 1);
        }

        Publish(job, message, null);
        var attempt = Task.Run(() => AttemptAsync(job, line, cts), CancellationToken.None);
        lock (_attempts)
        {
            _attempts.Add(attempt);
            _attempts.RemoveAll(t => t.IsCompleted);
        }

        return true;
    }

    private async Task AttemptAsync(FaxJob job, IFaxLine? line, CancellationTokenSource cts)
    {
        try
        {
            if (line is null)
            {
                await DeliverInternallyAsync(job, cts.Token).ConfigureAwait(false);
            }
            else
            {
                await CallAsync(job, line, cts.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            LogAttemptCrashed(e, job.Id);
            await SafeSettleAsync(job, new CallOutcome(CallResult.TemporaryFailure, 0, null, TimeSpan.Zero, "internal error: " + e.Message), line).ConfigureAwait(false);
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
            cts.Dispose();
            if (line is not null)
            {
                _perDestination.AddOrUpdate(job.DialNumber, 0, (_, n) => n - 1);
                _perLine.AddOrUpdate(line, 0, (_, n) => n - 1);
                _budget.ReleaseOutbound();
            }

            Wake();
        }
    }

    private async Task CallAsync(FaxJob job, IFaxLine line, CancellationToken ct)
    {
        var mailbox = await _store.Mailboxes.GetAsync(job.MailboxId, CancellationToken.None).ConfigureAwait(false);
        int firstPage = job.PagesSent;
        var call = new OutboundCall(
            job.Id,
            job.DialNumber,
            _numbering.ToDialString(job.DialNumber),
            _documents.FullPath(job.FaxDocument ?? throw new InvalidOperationException($"Job {job.Id} has no fax document.")),
            firstPage,
            job.PageCount,
            mailbox?.OutgoingFaxId,
            mailbox?.Extension is { } ext ? _numbering.BaseE164 + ext : _numbering.BaseE164,
            Fallback: job.Tries > 2);
        var progress = new AttemptProgress(this, job, firstPage);
        CallOutcome outcome;
        try
        {
            outcome = await line.PlaceCallAsync(call, progress, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            outcome = new CallOutcome(CallResult.TemporaryFailure, progress.Confirmed, null, TimeSpan.Zero, "the call was stopped", line.Name);
        }

        await SettleAsync(job, outcome with { Line = outcome.Line ?? line.Name }, line, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task DeliverInternallyAsync(FaxJob job, CancellationToken ct)
    {
        var started = _time.GetUtcNow();
        var source = await _store.Mailboxes.GetAsync(job.MailboxId, ct).ConfigureAwait(false);
        await using var original = _documents.OpenRead(job.FaxDocument ?? throw new InvalidOperationException($"Job {job.Id} has no fax document."));
        var copy = await _documents.SaveAsync("inbound", "tif", original, long.MaxValue, ct).ConfigureAwait(false);
        string? callerNumber = source?.Extension is { } ext ? _numbering.BaseE164 + ext : _numbering.BaseE164;
        var fax = await _intake.AcceptAsync(
            new ArrivedFax(copy.RelativePath, job.PageCount, callerNumber, source?.OutgoingFaxId ?? source?.Name, job.DialNumber, null, false, "internal", _time.GetUtcNow() - started, job.Id),
            CancellationToken.None).ConfigureAwait(false);
        job.PagesSent = job.PageCount;
        await SettleAsync(job, new CallOutcome(CallResult.Success, job.PageCount, null, _time.GetUtcNow() - started, $"delivered internally as fax {fax.Id}", "internal"), null, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task SafeSettleAsync(FaxJob job, CallOutcome outcome, IFaxLine? line)
    {
        try
        {
            await SettleAsync(job, outcome, line, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogAttemptCrashed(e, job.Id);
        }
    }

    /// <summary>Writes the attempt's result: done, waiting to retry, failed or cancelled; logs it.</summary>
    private async Task SettleAsync(FaxJob job, CallOutcome outcome, IFaxLine? line, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await _store.Log.AddAsync(
            new TransmissionRecord
            {
                At = now,
                Direction = Direction.Send,
                MailboxId = job.MailboxId,
                UserId = job.SubmittedBy,
                JobId = job.Id,
                RemoteNumber = job.DialNumber,
                RemoteId = outcome.RemoteId,
                Pages = outcome.PagesConfirmed,
                Duration = outcome.Duration,
                Result = line is null ? "internal" : ResultWord(outcome.Result),
                Reason = outcome.Reason,
                Line = outcome.Line,
            },
            ct).ConfigureAwait(false);

        // Re-read: a user may have cancelled while the call ran.
        var current = await _store.Jobs.GetAsync(job.Id, ct).ConfigureAwait(false);
        bool cancelRequested = current is null || current.State == JobState.Cancelled;
        job.PagesSent = Math.Max(job.PagesSent, current?.PagesSent ?? 0);

        // The final status is truthful: done only when the far end confirmed every page.
        bool allConfirmed = job.PagesSent >= job.PageCount;
        JobState state;
        string message;
        if (outcome.Result == CallResult.Success && allConfirmed)
        {
            state = JobState.Done;
            message = line is null ? outcome.Reason : $"sent {job.PageCount} page(s) to {outcome.RemoteId ?? job.DialNumber} on {outcome.Line}";
        }
        else if (_stopping && !cancelRequested)
        {
            // The server is shutting down: the interrupted try does not count.
            state = JobState.WaitingToRetry;
            job.Tries = Math.Max(0, job.Tries - 1);
            job.NextAttemptAt = now;
            message = $"interrupted by a server shutdown; {job.PagesSent} of {job.PageCount} page(s) confirmed, it continues after the restart";
        }
        else if (cancelRequested)
        {
            state = JobState.Cancelled;
            message = $"cancelled; {job.PagesSent} of {job.PageCount} page(s) had been confirmed";
        }
        else
        {
            var result = outcome.Result == CallResult.Success ? CallResult.TemporaryFailure : outcome.Result;
            string why = outcome.Result == CallResult.Success ? $"the far end confirmed only {job.PagesSent} of {job.PageCount} page(s)" : outcome.Reason;
            if (!RetryPolicy.IsRetryable(result))
            {
                state = JobState.Failed;
                message = $"failed: {why}";
            }
            else if (job.Tries >= job.MaxTries)
            {
                state = JobState.Failed;
                message = $"failed after {job.Tries} tries: {why}";
            }
            else
            {
                state = JobState.WaitingToRetry;
                job.NextAttemptAt = now + _retry.DelayAfter(result, job.Tries);
                message = $"try {job.Tries} failed ({why}); next try at {job.NextAttemptAt:yyyy-MM-dd HH:mm:ss}Z" + (job.PagesSent > 0 ? $" from page {job.PagesSent + 1}" : "");
            }
        }

        await FinishAsync(job, state, message, ct, expected: JobState.InProgress, cancelled: cancelRequested).ConfigureAwait(false);
    }

    private async Task FinishAsync(FaxJob job, JobState state, string message, CancellationToken ct, JobState? expected = null, bool cancelled = false)
    {
        var previous = job.State;
        job.State = state;
        job.LastError = state == JobState.Done ? null : message;
        job.UpdatedAt = _time.GetUtcNow();
        if (state.IsFinal())
        {
            job.CompletedAt = job.UpdatedAt;
            job.NextAttemptAt = null;
        }

        // A cancel that arrived during the call already moved the job to Cancelled.
        var expect = cancelled ? JobState.Cancelled : expected ?? previous;
        if (await _store.Jobs.UpdateAsync(job, message, expect, ct).ConfigureAwait(false))
        {
            LogSettled(job.Id, state, message);
            Publish(job, message, null);
            await _observers.JobChangedAsync(job, message, ct).ConfigureAwait(false);
        }
    }

    private void Publish(FaxJob job, string message, CallProgress? call) =>
        _progress.Publish(new JobUpdate(job.Id, job.State, message, call, _time.GetUtcNow()));

    private static string ResultWord(CallResult result) => result switch
    {
        CallResult.Success => "ok",
        CallResult.Busy => "busy",
        CallResult.NoAnswer => "no-answer",
        CallResult.LineUnavailable => "line-unavailable",
        CallResult.PermanentFailure => "rejected",
        _ => "failed",
    };

    private static DateTimeOffset? Later(DateTimeOffset? a, DateTimeOffset? b) =>
        a is null ? b : b is null ? a : (a > b ? a : b);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Job {JobId}: {State}: {Message}")]
    private partial void LogSettled(long jobId, JobState state, string message);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Job {JobId} was in progress when the server stopped; {Pages} page(s) confirmed, it will retry")]
    private partial void LogRecovered(long jobId, int pages);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Error, Message = "Attempt for job {JobId} failed unexpectedly")]
    private partial void LogAttemptCrashed(Exception e, long jobId);

    /// <summary>Stores each confirmed page before the line goes on (so a crash never resends it) and forwards live progress.</summary>
    private sealed class AttemptProgress(FaxScheduler scheduler, FaxJob job, int firstPage) : ICallReporter
    {
        public int Confirmed { get; private set; }

        public void Progress(CallProgress value)
        {
            var shown = value with { Page = value.Page == 0 ? 0 : value.Page + firstPage, Pages = job.PageCount };
            scheduler.Publish(job, Describe(shown), shown);
        }

        public async Task PageConfirmedAsync(int page, CancellationToken ct)
        {
            if (page <= Confirmed)
            {
                return;
            }

            Confirmed = page;
            int pagesSent = firstPage + page;
            Progress(new CallProgress(CallPhase.PageConfirmed, page, 0, null));
            if (pagesSent > job.PagesSent)
            {
                job.PagesSent = pagesSent;
                job.UpdatedAt = scheduler._time.GetUtcNow();

                // Not cancellable: the confirmation must be stored even while the call is being stopped.
                await scheduler._store.Jobs.UpdateAsync(job, $"page {pagesSent} of {job.PageCount} confirmed", JobState.InProgress, CancellationToken.None).ConfigureAwait(false);
            }
        }

        private static string Describe(CallProgress p) => p.Phase switch
        {
            CallPhase.Dialling => "dialling",
            CallPhase.Connected => $"connected to {p.RemoteId ?? "the far end"}",
            CallPhase.SendingPage => $"sending page {p.Page} of {p.Pages}",
            CallPhase.PageConfirmed => $"page {p.Page} of {p.Pages} confirmed",
            _ => "finishing",
        };
    }
}
