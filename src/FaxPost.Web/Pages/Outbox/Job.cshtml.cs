using FaxPost.Core;
using FaxPost.Core.Jobs;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Api;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Outbox;

/// <summary>
/// One sent fax: live status, pages, the transmission report (calls and history), and stop,
/// delete and change of send options — each offered only with that right and checked by the job service.
/// </summary>
public sealed class JobModel(JobService jobs, LogService log, AuthorizationService rights, TimeProvider time) : FaxPostPageModel
{
    public FaxJob Job { get; private set; } = null!;

    public IReadOnlyList<JobEvent> History { get; private set; } = [];

    public IReadOnlyList<TransmissionRecord> Calls { get; private set; } = [];

    public string MailboxName { get; private set; } = "";

    public bool HasPages { get; private set; }

    public bool CanStop { get; private set; }

    public bool CanDelete { get; private set; }

    public bool CanChange { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public Task OnGetAsync(long id, CancellationToken ct) => LoadAsync(id, ct);

    public async Task<IActionResult> OnPostStopAsync(long id, CancellationToken ct) =>
        await ActAsync(id, async () =>
        {
            await jobs.CancelAsync(Caller, id, ct).ConfigureAwait(false);
            Flash("Sending is stopped.");
            return RedirectToPage(new { id });
        }, ct).ConfigureAwait(false);

    public async Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct) =>
        await ActAsync(id, async () =>
        {
            await jobs.DeleteAsync(Caller, id, ct).ConfigureAwait(false);
            Flash("The fax is deleted from the outbox.");
            return Redirect("/outbox");
        }, ct).ConfigureAwait(false);

    public async Task<IActionResult> OnPostChangeAsync(long id, int? priority, int? maxTries, string? resolution, bool sendNow, CancellationToken ct) =>
        await ActAsync(id, async () =>
        {
            var changes = new JobChanges(priority, null, sendNow, maxTries, null, resolution is null ? null : JobSubmission.Resolution(resolution));
            await jobs.ChangeAsync(Caller, id, changes, ct).ConfigureAwait(false);
            Flash("The send options are changed.");
            return RedirectToPage(new { id });
        }, ct).ConfigureAwait(false);

    /// <summary>Runs an action; a refusal in words (invalid, changed meanwhile) shows the page again with it.</summary>
    private Task<IActionResult> ActAsync(long id, Func<Task<IActionResult>> action, CancellationToken ct) =>
        SubmitFormAsync(action, () => LoadAsync(id, ct), e => e is ConflictException);

    private async Task LoadAsync(long id, CancellationToken ct)
    {
        Now = time.GetUtcNow();
        Job = await jobs.GetAsync(Caller, id, ct).ConfigureAwait(false);
        History = await jobs.HistoryAsync(Caller, id, ct).ConfigureAwait(false);
        var granted = await rights.RightsOnAsync(Caller, Job.MailboxId, ct).ConfigureAwait(false);
        bool final = Job.State.IsFinal();
        CanStop = !final && (granted & MailboxRights.StopOutgoing) != 0;
        CanDelete = (granted & MailboxRights.DeleteOutgoing) != 0 && (final || CanStop);
        CanChange = Job.State is JobState.Queued or JobState.WaitingToRetry && (granted & MailboxRights.ChangeSendOptions) != 0;
        HasPages = Job.FaxDocument is not null;
        MailboxName = Me.Find(Job.MailboxId)?.Label ?? $"mailbox {Job.MailboxId}";
        var records = await log.QueryAsync(Caller, new LogQuery(From: Job.CreatedAt.AddMinutes(-1), Direction: Direction.Send, MailboxIds: [Job.MailboxId], Limit: 10_000), ct).ConfigureAwait(false);
        Calls = records.Where(r => r.JobId == id).OrderBy(r => r.At).ToList();
    }
}
