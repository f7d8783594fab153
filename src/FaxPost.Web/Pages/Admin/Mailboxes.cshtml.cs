using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Web.Ui;

namespace FaxPost.Web.Pages.Admin;

/// <summary>Every mailbox (personal and team), with a link to its settings and rights. Administrators only.</summary>
public sealed class MailboxesModel(AccountService accounts) : FaxPostPageModel
{
    public IReadOnlyList<Mailbox> Mailboxes { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(Caller);
        Mailboxes = (await accounts.MailboxesAsync(Caller, ct).ConfigureAwait(false)).OrderBy(m => m.OwnerKind).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
    }
}
