using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Admin;

/// <summary>
/// One user: name, e-mail, roles, active or left (a user who left keeps the record; their faxes go
/// to the post office), team membership, password reset, and a link to their mailbox's rights.
/// </summary>
public sealed class UserEditModel(AccountService accounts) : FaxPostPageModel
{
    public User Subject { get; private set; } = null!;

    public Mailbox? Personal { get; private set; }

    public IReadOnlyList<(Team Team, IReadOnlyList<long> Members)> Teams { get; private set; } = [];

    public async Task OnGetAsync(long id, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await LoadAsync(id, ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostDetailsAsync(long id, string? displayName, string? email, bool administrator, bool postOffice, bool active, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var roles = (administrator ? Role.Administrator : Role.None) | (postOffice ? Role.PostOffice : Role.None);
            var user = await accounts.UpdateUserAsync(Caller, id, displayName ?? "", email ?? "", roles, active, ct).ConfigureAwait(false);
            return $"{user.DisplayName} was saved" + (user.Active ? "." : ": marked as left, new faxes to them go to the fax post office.");
        }, ct);

    public Task<IActionResult> OnPostPasswordAsync(long id, string? password, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            await accounts.SetPasswordAsync(Caller, id, null, password ?? "", ct).ConfigureAwait(false);
            return "The password was reset (and any lock-out lifted). Tell the user the new one by a safe way.";
        }, ct);

    public Task<IActionResult> OnPostTeamsAsync(long id, long[]? teams, CancellationToken ct) =>
        ChangeAsync(id, async () =>
        {
            var wanted = new HashSet<long>(teams ?? []);
            foreach (var (team, members) in await accounts.TeamsAsync(Caller, ct).ConfigureAwait(false))
            {
                bool member = members.Contains(id);
                if (member != wanted.Contains(team.Id))
                {
                    var changed = member ? members.Where(m => m != id).ToList() : [.. members, id];
                    await accounts.SetTeamMembersAsync(Caller, team.Id, changed, ct).ConfigureAwait(false);
                }
            }

            return "Team membership was saved.";
        }, ct);

    private async Task<IActionResult> ChangeAsync(long id, Func<Task<string>> change, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        _ = await accounts.UserAsync(Caller, id, ct).ConfigureAwait(false);
        return await SubmitFormAsync(async () =>
        {
            Flash(await change().ConfigureAwait(false));
            return RedirectToPage(new { id });
        }, () => LoadAsync(id, ct)).ConfigureAwait(false);
    }

    private async Task LoadAsync(long id, CancellationToken ct)
    {
        Subject = await accounts.UserAsync(Caller, id, ct).ConfigureAwait(false);
        Personal = (await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false)).FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == id);
        Teams = (await accounts.TeamsAsync(Caller, ct).ConfigureAwait(false)).OrderBy(t => t.Team.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
