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

    IMailStore Mail { get; }

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

/// <summary>
/// Which log records, oldest first: From inclusive, To exclusive; every filter given must hold, and
/// <see cref="Limit"/> counts the records that pass them all (the store filters, then limits).
/// </summary>
/// <param name="UserId">Only records of this user.</param>
/// <param name="RemoteDigits">Only records whose remote number, digits only, contains these digits
/// (<see cref="TransmissionRecord.DigitsOf"/>); null or empty for any.</param>
/// <param name="Result">Only records with this result word, case-insensitively (ASCII).</param>
/// <param name="Newest">Take the newest <see cref="Limit"/> matches instead of the oldest (still returned oldest first).</param>
public sealed record LogQuery(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    Direction? Direction = null,
    IReadOnlyCollection<long>? MailboxIds = null,
    int Limit = 1000,
    long? UserId = null,
    string? RemoteDigits = null,
    string? Result = null,
    bool Newest = false);

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

/// <summary>
/// The mail gateway's durable state: the outgoing mail queue (fax-to-email, notifications, replies;
/// a restart loses none) and the ledger of mail-to-fax messages already handled (Message-ID
/// deduplication), whose records expire once a message has not been seen for a while.
/// </summary>
public interface IMailStore
{
    /// <summary>Stores a mail to send; returns its id. Durable when the call returns.</summary>
    Task<long> EnqueueAsync(QueuedMail mail, CancellationToken ct);

    /// <summary>Mails whose next attempt is at or before <paramref name="now"/>, earliest first.</summary>
    Task<IReadOnlyList<QueuedMail>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct);

    /// <summary>
    /// Takes a due mail for one attempt: moves its next attempt to <paramref name="until"/> when it is
    /// still <paramref name="expected"/>. False when another node (or pass) took it first. A sender that
    /// dies mid-attempt leaves the mail to be tried again after <paramref name="until"/>.
    /// </summary>
    Task<bool> TryLeaseAsync(long id, DateTimeOffset expected, DateTimeOffset until, CancellationToken ct);

    /// <summary>
    /// Records that the SMTP server accepted a leased mail: the first write after acceptance, so it is
    /// never attempted again (<see cref="QueuedMail.SentAt"/>); when it has a <see cref="QueuedMail.LedgerKey"/>,
    /// that ledger record becomes "sent" in the same transaction. The row stays (still leased) until its
    /// follow-up is done and it is removed.
    /// </summary>
    Task MarkSentAsync(long id, DateTimeOffset at, CancellationToken ct);

    /// <summary>Records a failed attempt: the try count, the reason and when to try again.</summary>
    Task RetryLaterAsync(long id, int tries, DateTimeOffset next, string error, CancellationToken ct);

    /// <summary>Removes a mail (sent, or given up).</summary>
    Task<bool> RemoveAsync(long id, CancellationToken ct);

    /// <summary>The earliest next attempt of any queued mail, or null when the queue is empty.</summary>
    Task<DateTimeOffset?> NextDueAsync(CancellationToken ct);

    Task<int> CountAsync(CancellationToken ct);

    /// <summary>Received faxes that have a mail waiting in the queue.</summary>
    Task<IReadOnlyList<long>> QueuedFaxIdsAsync(CancellationToken ct);

    /// <summary>The ledger record of a mail-to-fax message (by its dedup key), or null.</summary>
    Task<MailMessageRecord?> GetMessageAsync(string key, CancellationToken ct);

    /// <summary>Creates or overwrites a ledger record; <paramref name="seenAt"/> is when the message was last seen.</summary>
    Task SetMessageAsync(string key, string state, DateTimeOffset seenAt, CancellationToken ct);

    /// <summary>
    /// Moves a ledger record from <see cref="MessageTransition.Expected"/> (null: the record must not exist)
    /// to <see cref="MessageTransition.State"/> and, in the same transaction, stores its mails and sets its
    /// other records. False, with nothing written, when the record was in another state: another node (or
    /// an earlier run) made the move first. This is what makes "exactly one report" hold across nodes.
    /// </summary>
    Task<bool> TransitionMessageAsync(MessageTransition transition, CancellationToken ct);

    /// <summary>
    /// Claims mail-to-fax message <paramref name="key"/> for <paramref name="node"/> until <paramref name="until"/>,
    /// with a compare-and-set only one claimer can win (an insert that does nothing when the record exists, or an
    /// update conditional on the state read): won when the record is absent, not done and not claimed, claimed by
    /// this node, or claimed by another whose lease ended at or before <paramref name="now"/> (it crashed). A won
    /// claim that replaces an earlier one names it (<see cref="MessageClaimResult.Previous"/>): its submission may
    /// be stored already. Lost: the record is done, or another node holds an unexpired claim.
    /// </summary>
    Task<MessageClaimResult> ClaimMessageAsync(string key, string node, DateTimeOffset now, DateTimeOffset until, CancellationToken ct);

    /// <summary>Removes ledger records last seen before <paramref name="cutoff"/>; returns how many.</summary>
    Task<int> ForgetMessagesAsync(DateTimeOffset cutoff, CancellationToken ct);
}

/// <summary>What a queued mail is, so its delivery or failure can be recorded after a restart.</summary>
public enum QueuedMailKind
{
    Other = 0,

    /// <summary>A received fax with its pages; delivered = the fax is delivered, failed = the fax post office queue.</summary>
    Fax = 1,

    /// <summary>A received fax announced without its pages (privacy); same outcomes as <see cref="Fax"/>.</summary>
    FaxNotice = 2,

    JobNotice = 3,

    Reply = 4,

    SerialLetter = 5,
}

/// <summary>One mail in the outgoing queue: the whole message as RFC 5322 bytes, and its delivery state.</summary>
public sealed class QueuedMail
{
    public long Id { get; set; }

    public QueuedMailKind Kind { get; set; }

    /// <summary>The received fax this mail delivers (<see cref="QueuedMailKind.Fax"/>, <see cref="QueuedMailKind.FaxNotice"/>).</summary>
    public long? FaxId { get; set; }

    /// <summary>For logs: "fax 12 to a@example.org".</summary>
    public string What { get; set; } = "";

    public byte[] Content { get; set; } = [];

    /// <summary>Failed attempts so far.</summary>
    public int Tries { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>When the SMTP server accepted it (the row then waits only for its follow-up and removal); null before.</summary>
    public DateTimeOffset? SentAt { get; set; }

    /// <summary>A mail message ledger key that records this mail's outcome ("sent", "failed|reason"), or null.</summary>
    public string? LedgerKey { get; set; }
}

/// <summary>
/// An atomic step in the mail message ledger (<see cref="IMailStore.TransitionMessageAsync"/>): the record
/// <paramref name="Key"/> goes from <paramref name="Expected"/> (null = absent) to <paramref name="State"/>;
/// <paramref name="Mails"/> are queued and <paramref name="Records"/> set only if it does.
/// </summary>
public sealed record MessageTransition(string Key, string? Expected, string State, DateTimeOffset SeenAt, IReadOnlyList<QueuedMail> Mails, IReadOnlyList<MailMessageRecord> Records);

/// <summary>A mail-to-fax message the gateway has handled or is handling ("claim|...", "done|...").</summary>
public sealed record MailMessageRecord(string Key, string State, DateTimeOffset SeenAt);

/// <summary>
/// A node's claim on a mail-to-fax message, stored as the ledger state <c>claim|&lt;since&gt;|&lt;node&gt;|&lt;until&gt;</c>
/// (UTC ticks): <paramref name="Since"/> is when the message was first claimed (kept across take-overs, so a
/// submission stored since then is found), <paramref name="Until"/> when the lease ends. Records written before
/// leases existed (<c>claim|&lt;since&gt;</c>) read as claims of no node whose lease has ended.
/// </summary>
public sealed record MessageClaim(DateTimeOffset Since, string Node, DateTimeOffset Until)
{
    public const string Prefix = "claim|";

    /// <summary>The ledger state; a compare-and-set on it fails once another node has taken the claim over.</summary>
    public string State => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Prefix}{Since.UtcTicks}|{Node}|{Until.UtcTicks}");

    public bool IsExpired(DateTimeOffset now) => Until <= now;

    public static bool TryParse(string? state, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out MessageClaim? claim)
    {
        claim = null;
        if (state is null || !state.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var parts = state[Prefix.Length..].Split('|');
        if (!long.TryParse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long since) || since > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        var sinceTime = new DateTimeOffset(since, TimeSpan.Zero);
        if (parts.Length == 1)
        {
            claim = new MessageClaim(sinceTime, "", sinceTime);
            return true;
        }

        if (parts.Length != 3 || !long.TryParse(parts[2], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long until) || until > DateTimeOffset.MaxValue.UtcTicks)
        {
            return false;
        }

        claim = new MessageClaim(sinceTime, parts[1], new DateTimeOffset(until, TimeSpan.Zero));
        return true;
    }
}

/// <summary>
/// The outcome of <see cref="IMailStore.ClaimMessageAsync"/>. Won: <paramref name="Claim"/> is this node's claim and
/// <paramref name="Previous"/> the claim it replaced (null for a fresh one). Lost: <paramref name="State"/> is the
/// record's state (done, or the <paramref name="Claim"/> another node holds).
/// </summary>
public sealed record MessageClaimResult(bool Won, string? State, MessageClaim? Claim, MessageClaim? Previous);

/// <summary>A unique value (login, extension, name) is already taken.</summary>
public sealed class DuplicateException(string message) : Exception(message);
