using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Auth;
using Microsoft.AspNetCore.Http;

namespace FaxPost.Web.Ui;

/// <summary>A mailbox the user has at least one right on, with those rights (from <see cref="AuthorizationService"/>).</summary>
public sealed record MailboxAccess(Mailbox Mailbox, MailboxRights Rights, bool Personal)
{
    public bool Has(MailboxRights right) => (Rights & right) == right;

    public string Label => Personal ? $"{Mailbox.Name} (personal)" : Mailbox.Name;
}

/// <summary>
/// The logged-in user as the pages see it: the post office's <see cref="Principal"/>, the display
/// name, and every mailbox with the user's rights on it — read once per request, so the header,
/// the navigation and the page agree. Only for showing and choosing: every action is still checked
/// by the Core service that performs it.
/// </summary>
public sealed class WebUser
{
    internal WebUser(Principal principal, string displayName, IReadOnlyList<MailboxAccess> mailboxes)
    {
        Principal = principal;
        DisplayName = displayName;
        Mailboxes = mailboxes;
    }

    public Principal Principal { get; }

    public string DisplayName { get; }

    public IReadOnlyList<MailboxAccess> Mailboxes { get; }

    public bool IsAdministrator => Principal.IsAdministrator;

    /// <summary>In the fax post office (or an administrator).</summary>
    public bool IsPostOffice => Principal.IsPostOffice;

    /// <summary>Roles in words for the page header.</summary>
    public IReadOnlyList<string> RoleNames
    {
        get
        {
            var names = new List<string>();
            if ((Principal.Roles & Role.Administrator) != 0)
            {
                names.Add("Administrator");
            }

            if ((Principal.Roles & Role.PostOffice) != 0)
            {
                names.Add("Fax post office");
            }

            return names.Count == 0 ? ["User"] : names;
        }
    }

    /// <summary>Mailboxes on which the user has the right (all of the flags given).</summary>
    public IEnumerable<MailboxAccess> With(MailboxRights right) => Mailboxes.Where(m => m.Has(right));

    public bool CanAny(MailboxRights right) => Mailboxes.Any(m => m.Has(right));

    public MailboxAccess? Find(long mailboxId) => Mailboxes.FirstOrDefault(m => m.Mailbox.Id == mailboxId);
}

/// <summary>Loads the <see cref="WebUser"/> of the request once (scoped).</summary>
public sealed class WebUserAccessor(IHttpContextAccessor http, IPostOfficeStore store, AuthorizationService rights)
{
    private WebUser? _user;

    public async Task<WebUser?> GetAsync(CancellationToken ct)
    {
        if (_user is not null)
        {
            return _user;
        }

        var context = http.HttpContext;
        if (context?.FindCaller() is not { } principal)
        {
            return null;
        }

        var user = await store.Users.GetAsync(principal.UserId, ct).ConfigureAwait(false);
        var mailboxes = new List<MailboxAccess>();
        foreach (var mailbox in await store.Mailboxes.ListAsync(ct).ConfigureAwait(false))
        {
            var granted = await rights.RightsOnAsync(principal, mailbox.Id, ct).ConfigureAwait(false);
            if (granted != MailboxRights.None)
            {
                bool personal = mailbox.OwnerKind == MailboxOwnerKind.User && mailbox.OwnerId == principal.UserId;
                mailboxes.Add(new MailboxAccess(mailbox, granted, personal));
            }
        }

        // Personal first, then by name.
        mailboxes.Sort((a, b) => a.Personal != b.Personal ? (a.Personal ? -1 : 1) : string.Compare(a.Mailbox.Name, b.Mailbox.Name, StringComparison.OrdinalIgnoreCase));
        _user = new WebUser(principal, user?.DisplayName ?? principal.Login, mailboxes);
        return _user;
    }
}
