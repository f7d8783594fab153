using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages.Admin;

/// <summary>Users: the list (active and left) and a form to create one with a personal mailbox. Administrators only.</summary>
public sealed class UsersModel(AccountService accounts) : FaxPostPageModel
{
    public IReadOnlyList<User> Users { get; private set; } = [];

    public IReadOnlyList<Mailbox> Mailboxes { get; private set; } = [];

    public string? Extension(long userId) =>
        Mailboxes.FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == userId)?.Extension;

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        await LoadAsync(ct).ConfigureAwait(false);
    }

    public Task<IActionResult> OnPostCreateAsync(string? login, string? displayName, string? email, string? password, string? extension, bool administrator, bool postOffice, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        return SubmitFormAsync(async () =>
        {
            var roles = (administrator ? Role.Administrator : Role.None) | (postOffice ? Role.PostOffice : Role.None);
            var user = await accounts.CreateUserAsync(Caller, new NewUser(login?.Trim() ?? "", displayName ?? "", Blank(email), string.IsNullOrEmpty(password) ? null : password, roles, Blank(extension)), ct).ConfigureAwait(false);
            Flash($"{user.DisplayName} ({user.Login}) was created with a personal mailbox.");
            return RedirectToPage("/Admin/UserEdit", new { id = user.Id });
        }, () => LoadAsync(ct), e => e is DuplicateException);
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Users = (await accounts.UsersAsync(Caller, ct).ConfigureAwait(false)).OrderBy(u => !u.Active).ThenBy(u => u.DisplayName, StringComparer.OrdinalIgnoreCase).ToList();
        Mailboxes = await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
