using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Retention;

/// <summary>What a clean-up removes (or would remove, in a dry run).</summary>
public sealed record CleanupItem(string Kind, long Id, DateTimeOffset Date, string Description);

/// <summary>
/// Deletes faxes and documents older than the retention time (seed 003: 30 days by default,
/// per mailbox configurable). Jobs still waiting are never removed. Each deletion is logged;
/// the send/receive log itself is kept (it is the accounting record).
/// </summary>
public sealed partial class RetentionService(
    IPostOfficeStore store,
    IDocumentStore documents,
    FaxPostOptions options,
    TimeProvider time,
    ILogger<RetentionService> logger)
{
    public const string DaysSetting = "retention.days";

    /// <summary>The server-wide retention in days: the setting an administrator saved, else the config.</summary>
    public async Task<int> DefaultDaysAsync(CancellationToken ct)
    {
        string? saved = await store.Settings.GetAsync(DaysSetting, ct).ConfigureAwait(false);
        return int.TryParse(saved, out int days) && days > 0 ? days : options.Retention.Days;
    }

    public async Task SetDefaultDaysAsync(Principal by, int days, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (days is < 1 or > 3650)
        {
            throw new ValidationException("Retention is 1 to 3650 days.");
        }

        await store.Settings.SetAsync(DaysSetting, days.ToString(System.Globalization.CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<CleanupItem>> RunAsync(Principal by, bool dryRun, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var now = time.GetUtcNow();
        int defaultDays = await DefaultDaysAsync(ct).ConfigureAwait(false);
        var mailboxDays = (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false)).ToDictionary(m => m.Id, m => m.RetentionDays ?? defaultDays);
        int Days(long? mailboxId) => mailboxId is { } id && mailboxDays.TryGetValue(id, out int d) ? d : defaultDays;

        // Candidates are taken with the shortest retention in force; each is checked against its own mailbox's.
        int shortest = mailboxDays.Values.Append(defaultDays).Min();
        var items = new List<CleanupItem>();
        foreach (var fax in await store.Inbound.ReceivedBeforeAsync(now.AddDays(-shortest), ct).ConfigureAwait(false))
        {
            if (fax.ReceivedAt > now.AddDays(-Days(fax.MailboxId)))
            {
                continue;
            }

            items.Add(new CleanupItem("fax", fax.Id, fax.ReceivedAt, $"fax {fax.Id} from {fax.SenderId ?? fax.CallerNumber ?? "unknown"}, {fax.Pages} page(s), {fax.State}"));
            if (!dryRun)
            {
                documents.Delete(fax.Document);
                await store.Inbound.PurgeAsync(fax.Id, ct).ConfigureAwait(false);
                LogDeleted("fax", fax.Id, fax.ReceivedAt);
            }
        }

        foreach (var job in await store.Jobs.FinishedBeforeAsync(now.AddDays(-shortest), ct).ConfigureAwait(false))
        {
            if (!job.State.IsFinal() || (job.CompletedAt ?? job.UpdatedAt) > now.AddDays(-Days(job.MailboxId)))
            {
                continue;
            }

            items.Add(new CleanupItem("job", job.Id, job.CompletedAt ?? job.UpdatedAt, $"job {job.Id} to {job.DialNumber}, {job.State.Describe()}"));
            if (!dryRun)
            {
                await store.Jobs.DeleteAsync(job.Id, ct).ConfigureAwait(false);
                if (job.FaxDocument is not null)
                {
                    documents.Delete(job.FaxDocument);
                }

                LogDeleted("job", job.Id, job.CompletedAt ?? job.UpdatedAt);
            }
        }

        if (!dryRun)
        {
            foreach (long group in await store.Jobs.OrphanGroupsAsync(ct).ConfigureAwait(false))
            {
                foreach (var document in await store.Jobs.DocumentsAsync(group, ct).ConfigureAwait(false))
                {
                    documents.Delete(document.StoredPath);
                }

                await store.Jobs.DeleteGroupDocumentsAsync(group, ct).ConfigureAwait(false);
            }
        }

        return items;
    }

    /// <summary>Runs the clean-up every <see cref="RetentionOptions.Interval"/> until cancelled.</summary>
    public async Task RunPeriodicallyAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(options.Retention.Interval, time);
        try
        {
            do
            {
                try
                {
                    var removed = await RunAsync(Principal.System, dryRun: false, ct).ConfigureAwait(false);
                    if (removed.Count > 0)
                    {
                        LogCleanup(removed.Count);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogCleanupFailed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Retention: deleted {Kind} {Id} of {Date:u}")]
    private partial void LogDeleted(string kind, long id, DateTimeOffset date);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Information, Message = "Retention clean-up removed {Count} item(s)")]
    private partial void LogCleanup(int count);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Error, Message = "Retention clean-up failed")]
    private partial void LogCleanupFailed(Exception e);
}
