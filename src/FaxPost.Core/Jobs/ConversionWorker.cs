using System.Collections.Concurrent;
using System.Threading.Channels;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Storage;
using FaxPost.Imaging.Conversion;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Jobs;

/// <summary>
/// Converts submitted documents into fax pages, one submission (group) at a time per worker:
/// submitted → converting → queued, or failed with the file and the reason. Submissions found
/// in submitted/converting at start-up (the server stopped mid-way) are converted again.
/// </summary>
public sealed partial class ConversionWorker(
    IPostOfficeStore store,
    IDocumentStore documents,
    IFaxDocumentFactory factory,
    FaxPostOptions options,
    Observers observers,
    TimeProvider time,
    ILogger<ConversionWorker> logger)
{
    private readonly Channel<long> _queue = Channel.CreateUnbounded<long>();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<Exception?>> _waiters = new();
    private readonly ConcurrentDictionary<long, DoorWait> _doors = new();

    /// <summary>Raised after a group's jobs became queued (the scheduler wakes up).</summary>
    public event Action? Converted;

    /// <summary>Queues a group and returns a task that completes with null (queued) or the conversion error.</summary>
    public Task<Exception?> EnqueueAsync(long groupId)
    {
        var waiter = _waiters.GetOrAdd(groupId, _ => new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));
        _queue.Writer.TryWrite(groupId);
        return waiter.Task;
    }

    /// <summary>
    /// Queues a group for a front door that waits to answer its submitter. While it waits, a failure
    /// is the door's to report (a refusal); observers are not told, so nobody gets a failure notice
    /// for a submission that was refused on the spot (and removed). Once the door has stopped waiting
    /// (<see cref="DoorWait.Detach"/>), a failure is announced as usual.
    /// </summary>
    public DoorWait EnqueueForDoor(long groupId)
    {
        var waiter = _waiters.GetOrAdd(groupId, _ => new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously));
        var door = new DoorWait(waiter.Task);
        _doors[groupId] = door; // before the worker can see the group
        _queue.Writer.TryWrite(groupId);
        return door;
    }

    public async Task RunAsync(int workers, CancellationToken ct)
    {
        var pending = await store.Jobs.InStatesAsync([JobState.Submitted, JobState.Converting], ct).ConfigureAwait(false);
        foreach (long group in pending.Select(j => j.GroupId).Distinct())
        {
            _ = EnqueueAsync(group);
        }

        var tasks = Enumerable.Range(0, Math.Max(1, workers)).Select(_ => WorkAsync(ct)).ToArray();
        try
        {
            await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task WorkAsync(CancellationToken ct)
    {
        await foreach (long group in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            Exception? error = null;
            try
            {
                error = await ConvertGroupAsync(group, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogCrashed(e, group);
                error = e;
            }

            _doors.TryRemove(group, out _);
            if (_waiters.TryRemove(group, out var waiter))
            {
                waiter.TrySetResult(error);
            }
        }
    }

    /// <summary>Returns null on success, or the error that failed the group's jobs.</summary>
    internal async Task<Exception?> ConvertGroupAsync(long groupId, CancellationToken ct)
    {
        var jobs = (await store.Jobs.QueryAsync(new JobQuery(GroupId: groupId, States: [JobState.Submitted, JobState.Converting]), ct).ConfigureAwait(false)).ToList();
        if (jobs.Count == 0)
        {
            return null;
        }

        foreach (var job in jobs.ToList())
        {
            var from = job.State;
            job.State = JobState.Converting;
            job.UpdatedAt = time.GetUtcNow();
            if (!await store.Jobs.UpdateAsync(job, "converting the documents to fax pages", from, ct).ConfigureAwait(false))
            {
                jobs.Remove(job);
            }
        }

        if (jobs.Count == 0)
        {
            return null;
        }

        var originals = await store.Jobs.DocumentsAsync(groupId, ct).ConfigureAwait(false);
        var sources = originals.OrderBy(d => d.Order).Select(d => new SourceDocument(d.FileName, documents.FullPath(d.StoredPath))).ToList();
        var resolution = jobs[0].Resolution;
        var body = documents.Create("outbound", "tif");
        try
        {
            var result = await factory.ConvertAsync(
                sources,
                new ConversionOptions
                {
                    Resolution = resolution,
                    MaxPages = options.Limits.MaxPages,
                    Timeout = options.Limits.ConversionTimeout,
                    MaxInputBytes = options.Limits.MaxUploadBytes,
                },
                body.FullPath,
                ct).ConfigureAwait(false);
            var warnings = new List<string>();
            foreach (var converted in result.Documents)
            {
                var original = originals.FirstOrDefault(d => d.FileName == converted.FileName && d.Pages == 0);
                if (original is not null)
                {
                    original.Pages = converted.Pages;
                    await store.Jobs.UpdateDocumentAsync(original, ct).ConfigureAwait(false);

                    // Ghostscript repairs broken PDFs without a word: accepted, but the sender is told to check the pages.
                    if (converted.Kind == DocumentKind.Pdf && PdfDamageCheck.TryFindDamage(documents.FullPath(original.StoredPath), out string damage))
                    {
                        LogRepaired(groupId, converted.FileName, damage);
                        warnings.Add($"warning: {converted.FileName} is damaged ({damage}); the converter repaired it, check that no page or part of one is missing");
                    }
                }
            }

            foreach (var job in jobs)
            {
                job.PageCount = result.PageCount;
                job.FaxDocument = body.RelativePath;
                if (job.CoverPage)
                {
                    var mailbox = await store.Mailboxes.GetAsync(job.MailboxId, ct).ConfigureAwait(false);
                    var cover = documents.Create("outbound", "tif");
                    job.PageCount = await factory.WithCoverPageAsync(
                        CoverSheet.Of(job.RecipientName, job.RecipientCompany, job.Destination, mailbox, job.Subject, job.Note, result.PageCount, time.GetUtcNow()),
                        resolution,
                        body.FullPath,
                        cover.FullPath,
                        ct).ConfigureAwait(false);
                    job.FaxDocument = cover.RelativePath;
                }

                job.State = JobState.Queued;
                job.UpdatedAt = time.GetUtcNow();
                string message = $"converted to {job.PageCount} page(s); queued" + string.Concat(warnings.Select(w => "; " + w));
                if (await store.Jobs.UpdateAsync(job, message, JobState.Converting, ct).ConfigureAwait(false))
                {
                    await observers.JobChangedAsync(job, message, ct).ConfigureAwait(false);
                }
            }

            Converted?.Invoke();
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            documents.Delete(body.RelativePath);
            string message = e is DocumentConversionException ? e.Message : $"the documents could not be converted: {e.Message}";
            bool doorRefuses = _doors.TryGetValue(groupId, out var door) && door.TryClaim();
            foreach (var job in jobs)
            {
                job.State = JobState.Failed;
                job.LastError = message;
                job.UpdatedAt = time.GetUtcNow();
                job.CompletedAt = job.UpdatedAt;
                if (await store.Jobs.UpdateAsync(job, message, JobState.Converting, ct).ConfigureAwait(false) && !doorRefuses)
                {
                    await observers.JobChangedAsync(job, message, ct).ConfigureAwait(false);
                }
            }

            LogFailed(groupId, message);
            return e;
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "Conversion of submission {GroupId} failed: {Reason}")]
    private partial void LogFailed(long groupId, string reason);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Submission {GroupId}: {FileName} is damaged ({Damage}); Ghostscript repaired it")]
    private partial void LogRepaired(long groupId, string fileName, string damage);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Error, Message = "Conversion of submission {GroupId} crashed")]
    private partial void LogCrashed(Exception e, long groupId);
}

/// <summary>A front door waiting for its submission's conversion (see <see cref="ConversionWorker.EnqueueForDoor"/>).</summary>
public sealed class DoorWait(Task<Exception?> result)
{
    private const int Waiting = 0, Detached = 1, Claimed = 2;
    private int _state;

    /// <summary>Null when the group was queued, else the conversion error.</summary>
    public Task<Exception?> Result { get; } = result;

    /// <summary>The door stops waiting; true unless the worker already claimed a failure for the door to report.</summary>
    public bool Detach() => Interlocked.CompareExchange(ref _state, Detached, Waiting) != Claimed;

    /// <summary>The worker hands a failure to the waiting door; false when the door no longer waits.</summary>
    internal bool TryClaim() => Interlocked.CompareExchange(ref _state, Claimed, Waiting) == Waiting;
}
