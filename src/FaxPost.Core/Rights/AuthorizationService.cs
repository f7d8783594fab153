using FaxPost.Core.Accounts;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Rights;

/// <summary>
/// The one place rights are decided, used by every front door (ARCHITECTURE: "one model of rights").
/// A user's rights on a mailbox are the union of grants to the user and to each of the user's teams.
/// The owner of a personal mailbox has all rights on it; members of a team have the rights granted
/// to the team. The fax post office role may read and hand off every incoming fax (seed 000: it
/// handles undeliverable faxes) and administrators may do everything.
/// </summary>
public sealed class AuthorizationService(IPostOfficeStore store)
{
    public async Task<MailboxRights> RightsOnAsync(Principal principal, long mailboxId, CancellationToken ct)
    {
        if (principal.IsAdministrator)
        {
            return MailboxRights.All;
        }

        var rights = MailboxRights.None;
        if ((principal.Roles & Role.PostOffice) != 0)
        {
            rights |= MailboxRights.ReadIncoming | MailboxRights.HandOffIncoming;
        }

        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false);
        if (mailbox is null)
        {
            return rights;
        }

        if (mailbox.OwnerKind == MailboxOwnerKind.User && mailbox.OwnerId == principal.UserId)
        {
            return MailboxRights.All;
        }

        foreach (var grant in await store.Grants.ForMailboxAsync(mailboxId, ct).ConfigureAwait(false))
        {
            bool applies = grant.GranteeKind switch
            {
                GranteeKind.User => grant.GranteeId == principal.UserId,
                GranteeKind.Team => principal.TeamIds.Contains(grant.GranteeId),
                _ => false,
            };
            if (applies)
            {
                rights |= grant.Rights;
            }
        }

        return rights;
    }

    public async Task<bool> HasAsync(Principal principal, long mailboxId, MailboxRights needed, CancellationToken ct) =>
        (await RightsOnAsync(principal, mailboxId, ct).ConfigureAwait(false) & needed) == needed;

    public async Task DemandAsync(Principal principal, long mailboxId, MailboxRights needed, CancellationToken ct)
    {
        if (!await HasAsync(principal, mailboxId, needed, ct).ConfigureAwait(false))
        {
            throw new AccessDeniedException($"'{principal.Login}' lacks the right {needed} on mailbox {mailboxId}.");
        }
    }

    /// <summary>Mailboxes on which the principal has at least one of the given rights.</summary>
    public async Task<IReadOnlyList<long>> MailboxesWithAsync(Principal principal, MailboxRights anyOf, CancellationToken ct)
    {
        var result = new List<long>();
        foreach (var mailbox in await store.Mailboxes.ListAsync(ct).ConfigureAwait(false))
        {
            if ((await RightsOnAsync(principal, mailbox.Id, ct).ConfigureAwait(false) & anyOf) != 0)
            {
                result.Add(mailbox.Id);
            }
        }

        return result;
    }

    public static void DemandAdministrator(Principal principal)
    {
        if (!principal.IsAdministrator)
        {
            throw new AccessDeniedException($"'{principal.Login}' is not an administrator.");
        }
    }

    public static void DemandPostOffice(Principal principal)
    {
        if (!principal.IsPostOffice)
        {
            throw new AccessDeniedException($"'{principal.Login}' is not in the fax post office.");
        }
    }
}
