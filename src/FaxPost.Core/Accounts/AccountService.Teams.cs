using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FaxPost.Core.Accounts;

/// <summary>Renaming and deleting teams, and a mailbox's retention back to the server default (administrators, audited in the log).</summary>
public sealed partial class AccountService
{
    private ILogger Audit => logger ?? (ILogger)NullLogger.Instance;

    /// <summary>Renames a team and its team mailbox.</summary>
    /// <exception cref="DuplicateException">Another team has that name (ignoring case).</exception>
    public async Task<Team> RenameTeamAsync(Principal by, long teamId, string name, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var team = await store.Teams.GetAsync(teamId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no team {teamId}.");
        name = (name ?? "").Trim();
        if (name.Length == 0 || name.Length > 100)
        {
            throw new ValidationException("A team needs a name of at most 100 characters.");
        }

        var clash = (await store.Teams.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(t => t.Id != teamId && string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
        if (clash is not null)
        {
            throw new DuplicateException($"There is already a team called '{clash.Name}'.");
        }

        string old = team.Name;
        team.Name = name;
        await store.Teams.SaveAsync(team, ct).ConfigureAwait(false);
        if (await TeamMailboxAsync(teamId, ct).ConfigureAwait(false) is { } mailbox)
        {
            mailbox.Name = name;
            await store.Mailboxes.SaveAsync(mailbox, ct).ConfigureAwait(false);
        }

        LogTeamRenamed(Audit, by.Login, by.Via, teamId, old, name);
        return team;
    }

    /// <summary>
    /// What keeps a team from being deleted, in words (empty: nothing): members, faxes in its mailbox,
    /// faxes still being sent from it, routing rules that send faxes to it.
    /// </summary>
    public async Task<IReadOnlyList<string>> TeamDeletionBlockersAsync(Principal by, long teamId, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        _ = await store.Teams.GetAsync(teamId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no team {teamId}.");
        var blockers = new List<string>();
        int members = (await store.Teams.MembersAsync(teamId, ct).ConfigureAwait(false)).Count;
        if (members > 0)
        {
            blockers.Add($"it has {members} member(s): take them out of the team first");
        }

        if (await TeamMailboxAsync(teamId, ct).ConfigureAwait(false) is { } mailbox)
        {
            long[] box = [mailbox.Id];
            int faxes = (await store.Inbound.QueryAsync(new InboundQuery(MailboxIds: box, Limit: 1000), ct).ConfigureAwait(false)).Count;
            if (faxes > 0)
            {
                blockers.Add($"its mailbox holds {(faxes >= 1000 ? "1000 or more" : faxes.ToString(System.Globalization.CultureInfo.InvariantCulture))} received fax(es): hand them off or delete them");
            }

            JobState[] open = [.. Enum.GetValues<JobState>().Where(s => !s.IsFinal())];
            int sending = (await store.Jobs.QueryAsync(new JobQuery(MailboxIds: box, States: open, Limit: 1000), ct).ConfigureAwait(false)).Count;
            if (sending > 0)
            {
                blockers.Add($"{sending} fax(es) are still being sent from its mailbox: wait for them or stop them");
            }

            var rules = (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).Where(r => r.MailboxId == mailbox.Id).Select(r => r.Id).ToList();
            if (rules.Count > 0)
            {
                blockers.Add($"routing rule(s) {string.Join(", ", rules)} send faxes to its mailbox: change or delete them");
            }
        }

        return blockers;
    }

    /// <summary>
    /// Deletes a team with its team mailbox and the rights granted to it. Refused (<see cref="ConflictException"/>,
    /// naming every reason) while anything still depends on it; see <see cref="TeamDeletionBlockersAsync"/>.
    /// Sent faxes and the log keep their history.
    /// </summary>
    public async Task DeleteTeamAsync(Principal by, long teamId, CancellationToken ct)
    {
        var blockers = await TeamDeletionBlockersAsync(by, teamId, ct).ConfigureAwait(false);
        var team = await store.Teams.GetAsync(teamId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no team {teamId}.");
        if (blockers.Count > 0)
        {
            throw new ConflictException($"The team {team.Name} cannot be deleted yet: {string.Join("; ", blockers)}.");
        }

        if (await TeamMailboxAsync(teamId, ct).ConfigureAwait(false) is { } mailbox)
        {
            await store.Mailboxes.DeleteAsync(mailbox.Id, ct).ConfigureAwait(false);
        }

        await store.Teams.DeleteAsync(teamId, ct).ConfigureAwait(false);
        LogTeamDeleted(Audit, by.Login, by.Via, teamId, team.Name);
    }

    /// <summary>Drops a mailbox's own retention period: its faxes are kept as long as the server default says.</summary>
    public async Task<Mailbox> UseDefaultRetentionAsync(Principal by, long mailboxId, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no mailbox {mailboxId}.");
        if (mailbox.RetentionDays is { } days)
        {
            mailbox.RetentionDays = null;
            await store.Mailboxes.SaveAsync(mailbox, ct).ConfigureAwait(false);
            LogRetentionReset(Audit, by.Login, by.Via, mailboxId, mailbox.Name, days);
        }

        return mailbox;
    }

    private async Task<Mailbox?> TeamMailboxAsync(long teamId, CancellationToken ct) =>
        (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false)).FirstOrDefault(m => m.OwnerKind == MailboxOwnerKind.Team && m.OwnerId == teamId);

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Audit: {Login} (via {Via}) renamed team {TeamId} from '{OldName}' to '{NewName}'")]
    private static partial void LogTeamRenamed(ILogger logger, string login, string via, long teamId, string oldName, string newName);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Audit: {Login} (via {Via}) deleted team {TeamId} '{Name}' with its mailbox")]
    private static partial void LogTeamDeleted(ILogger logger, string login, string via, long teamId, string name);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Audit: {Login} (via {Via}) set mailbox {MailboxId} '{Name}' back to the default retention (was {Days} days)")]
    private static partial void LogRetentionReset(ILogger logger, string login, string via, long mailboxId, string name, int days);
}
