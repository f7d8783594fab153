using FaxPost.Core;
using FaxPost.Core.Retention;
using FaxPost.Core.Rights;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Admin;

/// <summary>
/// Retention (seed 003: 30 days by default): the server-wide days, a preview of what a clean-up
/// would delete now, and "delete now" behind a confirmation. Administrators only (<see cref="RetentionService"/>).
/// </summary>
public sealed class RetentionModel(RetentionService retention) : FaxPostPageModel
{
    public int Days { get; private set; }

    /// <summary>What a clean-up now would delete (a dry run).</summary>
    public IReadOnlyList<CleanupItem> Due { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostDaysAsync(int? days, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            await retention.SetDefaultDaysAsync(Caller, days ?? 0, ct).ConfigureAwait(false);
            Flash($"Faxes are now kept {days} days (unless their mailbox says otherwise).");
            return RedirectToPage();
        }, () => LoadAsync(ct));
    }

    /// <summary>Runs the clean-up now; the form must carry confirm=yes (the checkbox), so a stray click deletes nothing.</summary>
    public Task<IActionResult> OnPostDeleteNowAsync(string? confirm, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            if (confirm != "yes")
            {
                throw new ValidationException("Tick the box to confirm that these faxes and jobs are deleted for good.");
            }

            var removed = await retention.RunAsync(Caller, dryRun: false, ct).ConfigureAwait(false);
            Flash(removed.Count == 0 ? "Nothing was old enough to delete." : $"{removed.Count} fax(es) and job(s) were deleted.");
            return RedirectToPage();
        }, () => LoadAsync(ct));
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Days = await retention.DefaultDaysAsync(ct).ConfigureAwait(false);
        Due = await retention.RunAsync(Caller, dryRun: true, ct).ConfigureAwait(false);
    }
}
