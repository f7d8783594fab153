using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Admin;

/// <summary>
/// One mailbox: its settings (extension, e-mail, fax ID, retention, pages by mail) and the rights
/// users and teams have on it (seed 002: read, hand off, delete; send, stop, delete, change options).
/// The owner of a personal mailbox always has every right. Administrators only.
/// </summary>
public sealed class MailboxModel(AccountService accounts) : FaxPostPageModel
{
    public Mailbox Box { get; private set; } = null!;

    public IReadOnlyList<Grant> Grants { get; private set; } = [];

    public IReadOnlyList<User> Users { get; private set; } = [];

    public IReadOnlyList<Team> Teams { get; private set; } = [];

    public string Grantee(Grant grant) => grant.GranteeKind == GranteeKind.User
        ? Users.FirstOrDefault(u => u.Id == grant.GranteeId)?.DisplayName ?? $"user {grant.GranteeId}"
        : (Teams.FirstOrDefault(t => t.Id == grant.GranteeId)?.Name ?? $"team {grant.GranteeId}") + " (team)";

    public async Task OnGetAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await LoadAsync(id, ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostSettingsAsync(long id, string? extension, string? email, string? faxId, int? retentionDays, bool mailPages, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var box = await accounts.UpdateMailboxAsync(Caller, id, extension?.Trim() ?? "", email?.Trim() ?? "", faxId?.Trim() ?? "", retentionDays, mailPages, ct).ConfigureAwait(false);
            if (retentionDays is null)
            {
                // An empty field means the server default (drops an override the mailbox had).
                box = await accounts.UseDefaultRetentionAsync(Caller, id, ct).ConfigureAwait(false);
            }

            return $"The mailbox {box.Name} was saved.";
        }, ct);

    /// <summary>Sets one grantee's rights ("user:5" or "team:2"); no right ticked removes the grant.</summary>
    public Task<IActionResult> OnPostGrantAsync(long id, string? grantee, string[]? rights, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var (kind, granteeId) = ParseGrantee(grantee);
            var granted = AdminWords.Parse(rights);
            await accounts.SetGrantAsync(Caller, id, kind, granteeId, granted, ct).ConfigureAwait(false);
            return granted == MailboxRights.None ? "The rights were removed." : $"Rights saved: {RightWords.Describe(granted)}.";
        }, ct);

    private static (GranteeKind Kind, long Id) ParseGrantee(string? grantee)
    {
        string[] parts = (grantee ?? "").Split(':');
        if (parts.Length == 2 && long.TryParse(parts[1], out long id))
        {
            if (parts[0] == "user")
            {
                return (GranteeKind.User, id);
            }

            if (parts[0] == "team")
            {
                return (GranteeKind.Team, id);
            }
        }

        throw new ValidationException("Choose a user or a team.");
    }

    private Task<IActionResult> ChangeAsync(long id, Func<Task<string>> change, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            Flash(await change().ConfigureAwait(false));
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct), e => e is DuplicateException);
    }

    private async Task LoadAsync(long id, CancellationToken ct)
    {
        (Box, Grants) = await accounts.MailboxGrantsAsync(Caller, id, ct).ConfigureAwait(false);
        Users = (await accounts.UsersAsync(Caller, ct).ConfigureAwait(false)).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        Teams = (await accounts.TeamsAsync(Caller, ct).ConfigureAwait(false)).Select(t => t.Team).OrderBy(t => t.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
