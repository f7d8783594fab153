using FaxPost.Core.Accounts;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;

namespace FaxPost.Core.Storage;

/// <summary>
/// The post office's durable state. Implemented for SQLite (embedded default) and PostgreSQL
/// (several nodes) in FaxPost.Storage; both pass the same contract tests. Every write is committed
/// before the call returns (ARCHITECTURE: durable before acknowledged).
/// </summary>
public interface IPostOfficeStore
{
    IUserStore Users { get; }

    ITeamStore Teams { get; }

    IMailboxStore Mailboxes { get; }

    IGrantStore Grants { get; }

    IJobStore Jobs { get; }

    IInboundStore Inbound { get; }

    IRoutingRuleStore RoutingRules { get; }

    IAddressBookStore AddressBook { get; }

    ITransmissionLog Log { get; }

    ISettingsStore Settings { get; }

    /// <summary>Creates or upgrades the schema (versioned migrations); returns the schema version.</summary>
    Task<int> MigrateAsync(CancellationToken ct);
}

public interface IUserStore
{
    Task<User?> GetAsync(long id, CancellationToken ct);

    Task<User?> FindByLoginAsync(string login, CancellationToken ct);

    Task<User?> FindByEmailAsync(string email, CancellationToken ct);

    Task<IReadOnlyList<User>> ListAsync(CancellationToken ct);

    /// <summary>Inserts (Id 0) or updates; returns the id. Throws <see cref="DuplicateException"/> on a taken login.</summary>
    Task<long> SaveAsync(User user, CancellationToken ct);

    Task<IReadOnlyList<long>> TeamIdsAsync(long userId, CancellationToken ct);

    Task<long> AddTokenAsync(ApiToken token, CancellationToken ct);

    Task<ApiToken?> FindTokenAsync(string secretHash, CancellationToken ct);

    Task<IReadOnlyList<ApiToken>> TokensAsync(long userId, CancellationToken ct);

    Task TouchTokenAsync(long tokenId, DateTimeOffset at, CancellationToken ct);

    Task<bool> DeleteTokenAsync(long userId, long tokenId, CancellationToken ct);
}

public interface ITeamStore
{
    Task<Team?> GetAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<Team>> ListAsync(CancellationToken ct);

    Task<long> SaveAsync(Team team, CancellationToken ct);

    Task<bool> DeleteAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<long>> MembersAsync(long teamId, CancellationToken ct);

    Task SetMembersAsync(long teamId, IReadOnlyCollection<long> userIds, CancellationToken ct);
}

public interface IMailboxStore
{
    Task<Mailbox?> GetAsync(long id, CancellationToken ct);

    Task<Mailbox?> FindByExtensionAsync(string extension, CancellationToken ct);

    Task<IReadOnlyList<Mailbox>> ListAsync(CancellationToken ct);

    /// <summary>Throws <see cref="DuplicateException"/> when the extension is taken.</summary>
    Task<long> SaveAsync(Mailbox mailbox, CancellationToken ct);

    Task<bool> DeleteAsync(long id, CancellationToken ct);
}

public interface IGrantStore
{
    Task<IReadOnlyList<Grant>> ForMailboxAsync(long mailboxId, CancellationToken ct);

    /// <summary>Sets the rights of one grantee on one mailbox (None removes the grant).</summary>
    Task SetAsync(long mailboxId, GranteeKind kind, long granteeId, MailboxRights rights, CancellationToken ct);
}

public sealed record JobQuery(
    IReadOnlyCollection<long>? MailboxIds = null,
    IReadOnlyCollection<JobState>? States = null,
    long? GroupId = null,
    int Limit = 200,
    long? BeforeId = null);

public interface IJobStore
{
    /// <summary>Stores a submission atomically: its documents and one job per destination.
    /// Assigns ids (group id = first job's id) and writes a "submitted" event per job.</summary>
    Task<long> CreateSubmissionAsync(IReadOnlyList<JobDocument> documents, IReadOnlyList<FaxJob> jobs, CancellationToken ct);

    Task<FaxJob?> GetAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<FaxJob>> QueryAsync(JobQuery query, CancellationToken ct);

    Task<IReadOnlyList<JobDocument>> DocumentsAsync(long groupId, CancellationToken ct);

    Task UpdateDocumentAsync(JobDocument document, CancellationToken ct);

    /// <summary>Saves the job and appends an event in one transaction. When <paramref name="expected"/>
    /// is given, only writes if the stored state still equals it (optimistic check); returns false otherwise.</summary>
    Task<bool> UpdateAsync(FaxJob job, string message, JobState? expected, CancellationToken ct);

    Task<IReadOnlyList<JobEvent>> EventsAsync(long jobId, CancellationToken ct);

    /// <summary>Jobs in the given states (scheduler start-up and queue scans), oldest first.</summary>
    Task<IReadOnlyList<FaxJob>> InStatesAsync(IReadOnlyCollection<JobState> states, CancellationToken ct);

    Task<bool> DeleteAsync(long id, CancellationToken ct);

    /// <summary>Final jobs completed before the cut-off (retention).</summary>
    Task<IReadOnlyList<FaxJob>> FinishedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Groups whose jobs are all gone (their documents may be removed).</summary>
    Task<IReadOnlyList<long>> OrphanGroupsAsync(CancellationToken ct);

    Task DeleteGroupDocumentsAsync(long groupId, CancellationToken ct);
}

public sealed record InboundQuery(
    IReadOnlyCollection<long>? MailboxIds = null,
    bool Unroutable = false,
    string? Sender = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool IncludeDeleted = false,
    int Limit = 200,
    long? BeforeId = null);

public interface IInboundStore
{
    Task<long> AddAsync(InboundFax fax, string message, CancellationToken ct);

    Task<InboundFax?> GetAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<InboundFax>> QueryAsync(InboundQuery query, CancellationToken ct);

    Task UpdateAsync(InboundFax fax, InboundEvent evt, CancellationToken ct);

    Task AddEventAsync(InboundEvent evt, CancellationToken ct);

    Task<IReadOnlyList<InboundEvent>> EventsAsync(long faxId, CancellationToken ct);

    /// <summary>Faxes (any state) received before the cut-off in the given mailbox (null = post office queue).</summary>
    Task<IReadOnlyList<InboundFax>> ReceivedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct);

    /// <summary>Removes the record for good (retention); events stay in the log tables.</summary>
    Task<bool> PurgeAsync(long id, CancellationToken ct);
}

public interface IRoutingRuleStore
{
    Task<IReadOnlyList<RoutingRule>> ListAsync(CancellationToken ct);

    Task<long> SaveAsync(RoutingRule rule, CancellationToken ct);

    Task<bool> DeleteAsync(long id, CancellationToken ct);
}

public interface IAddressBookStore
{
    /// <summary>Central entries plus the given user's personal ones (null = central only).</summary>
    Task<IReadOnlyList<Contact>> ContactsAsync(long? userId, CancellationToken ct);

    Task<Contact?> GetContactAsync(long id, CancellationToken ct);

    Task<long> SaveContactAsync(Contact contact, CancellationToken ct);

    Task<bool> DeleteContactAsync(long id, CancellationToken ct);

    Task<IReadOnlyList<DistributionList>> ListsAsync(long? userId, CancellationToken ct);

    Task<DistributionList?> GetListAsync(long id, CancellationToken ct);

    Task<long> SaveListAsync(DistributionList list, CancellationToken ct);

    Task<bool> DeleteListAsync(long id, CancellationToken ct);
}

public sealed record LogQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    Direction? Direction = null,
    IReadOnlyCollection<long>? MailboxIds = null,
    int Limit = 1000);

public interface ITransmissionLog
{
    Task<long> AddAsync(TransmissionRecord record, CancellationToken ct);

    Task<IReadOnlyList<TransmissionRecord>> QueryAsync(LogQuery query, CancellationToken ct);
}

/// <summary>Small named values that change at run time (retention default, etc.).</summary>
public interface ISettingsStore
{
    Task<string?> GetAsync(string key, CancellationToken ct);

    Task SetAsync(string key, string value, CancellationToken ct);
}

/// <summary>A unique value (login, extension, name) is already taken.</summary>
public sealed class DuplicateException(string message) : Exception(message);
