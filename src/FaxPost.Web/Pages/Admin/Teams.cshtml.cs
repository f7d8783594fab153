using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Admin;

/// <summary>Teams with their members and team mailboxes; creating a team creates its mailbox. Administrators only.</summary>
public sealed class TeamsModel(AccountService accounts) : FaxPostPageModel
{
    public IReadOnlyList<(Team Team, IReadOnlyList<long> Members)> Teams { get; private set; } = [];

    public IReadOnlyList<User> Users { get; private set; } = [];

    public IReadOnlyList<Mailbox> Mailboxes { get; private set; } = [];

    public string Name(long userId) => Users.FirstOrDefault(u => u.Id == userId)?.DisplayName ?? $"user {userId}";

    public Mailbox? MailboxOf(long teamId) => Mailboxes.FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.Team && m.OwnerId == teamId);

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostCreateAsync(string? name, string? email, string? extension, string? faxId, long[]? members, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            var team = await accounts.CreateTeamAsync(Caller, name ?? "", Blank(email), Blank(extension), Blank(faxId), members ?? [], ct).ConfigureAwait(false);
            Flash($"The team {team.Name} and its mailbox were created.");
            return RedirectToPage();
        }, () => LoadAsync(ct), e => e is DuplicateException);
    }

    public Task<IActionResult> OnPostRenameAsync(long id, string? name, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            var team = await accounts.RenameTeamAsync(Caller, id, name ?? "", ct).ConfigureAwait(false);
            Flash($"The team and its mailbox are now called {team.Name}.");
            return RedirectToPage();
        }, () => LoadAsync(ct), e => e is DuplicateException);
    }

    /// <summary>Deletes the team and its mailbox; while something depends on it the page says what (409).</summary>
    public Task<IActionResult> OnPostDeleteAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            string name = (await accounts.TeamsAsync(Caller, ct).ConfigureAwait(false)).FirstOrDefault(t => t.Team.Id == id).Team?.Name ?? $"team {id}";
            await accounts.DeleteTeamAsync(Caller, id, ct).ConfigureAwait(false);
            Flash($"The team {name} and its mailbox were deleted.");
            return RedirectToPage();
        }, () => LoadAsync(ct), e => e is ConflictException);
    }

    public async Task<IActionResult> OnPostMembersAsync(long id, long[]? members, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await accounts.SetTeamMembersAsync(Caller, id, members ?? [], ct).ConfigureAwait(false);
        Flash("The members were saved.");
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Teams = (await accounts.TeamsAsync(Caller, ct).ConfigureAwait(false)).OrderBy(t => t.Team.Name, StringComparer.OrdinalIgnoreCase).ToList();
        Users = (await accounts.UsersAsync(Caller, ct).ConfigureAwait(false)).Where(u => u.Active).OrderBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        Mailboxes = await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
