using System.Data.Common;
using FaxPost.Core.Inbound;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlInboundStore(SqlDatabase db) : IInboundStore
{
    private const string Columns =
        "id, mailbox_id, caller_number, sender_id, dialled_number, sub_address, pages, received_at, state, reason, document, " +
        "from_job_id, partial, note, updated_at";

    private const string EventInsert =
        "INSERT INTO inbound_events (fax_id, at, kind, user_id, message) VALUES (@fax, @at, @kind, @user, @message) RETURNING id";

    /// <summary>Stores the fax and its first event ("routed" or "unroutable", at its arrival) in one transaction.</summary>
    public async Task<long> AddAsync(InboundFax fax, string message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fax);
        ArgumentNullException.ThrowIfNull(message);
        long id = await db.WriteAsync(
            async s =>
            {
                long id = await Bind(
                        s.Sql(
                            """
                            INSERT INTO inbound_faxes (mailbox_id, caller_number, sender_id, dialled_number, sub_address, pages, received_at, state,
                                reason, document, from_job_id, partial, note, updated_at)
                            VALUES (@mailbox, @caller, @sender, @dialled, @sub, @pages, @received, @state, @reason, @document, @job, @partial, @note, @updated)
                            RETURNING id
                            """),
                        fax)
                    .InsertAsync(ct).ConfigureAwait(false);
                await s.Sql(EventInsert)
                    .With("@fax", id)
                    .WithTime("@at", fax.ReceivedAt)
                    .With("@kind", fax.State == InboundState.Unroutable ? "unroutable" : "routed")
                    .With("@user", null)
                    .With("@message", message)
                    .InsertAsync(ct).ConfigureAwait(false);
                return id;
            },
            ct).ConfigureAwait(false);
        fax.Id = id;
        return id;
    }

    public Task<InboundFax?> GetAsync(long id, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql($"SELECT {Columns} FROM inbound_faxes WHERE id = @id").With("@id", id).FirstOrDefaultAsync(Read, ct), ct);

    /// <summary>Newest first. <see cref="InboundQuery.Unroutable"/> selects the fax post office's queue; the sender
    /// matches a substring of the sender ID or the caller's number, ignoring case; From is inclusive, To exclusive.</summary>
    public async Task<IReadOnlyList<InboundFax>> QueryAsync(InboundQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MailboxIds is { Count: 0 } || query.Limit <= 0)
        {
            return [];
        }

        return await db.ReadAsync(
            s =>
            {
                var cmd = s.Sql("");
                var where = new List<string>();
                if (query.MailboxIds is not null)
                {
                    cmd.WithList("@m", query.MailboxIds, out string inList);
                    where.Add("mailbox_id " + inList);
                }

                if (query.Unroutable)
                {
                    cmd.With("@unroutable", (int)InboundState.Unroutable);
                    where.Add("state = @unroutable");
                }

                if (!query.IncludeDeleted)
                {
                    cmd.With("@deleted", (int)InboundState.Deleted);
                    where.Add("state <> @deleted");
                }

                if (!string.IsNullOrEmpty(query.Sender))
                {
                    cmd.With("@sender", "%" + EscapeLike(query.Sender) + "%");
                    string like = s.Dialect.ILike;
                    where.Add($"(sender_id {like} @sender ESCAPE '\\' OR caller_number {like} @sender ESCAPE '\\')");
                }

                if (query.From is { } from)
                {
                    cmd.WithTime("@from", from);
                    where.Add("received_at >= @from");
                }

                if (query.To is { } to)
                {
                    cmd.WithTime("@to", to);
                    where.Add("received_at < @to");
                }

                if (query.BeforeId is { } before)
                {
                    cmd.With("@before", before);
                    where.Add("id < @before");
                }

                cmd.With("@limit", query.Limit);
                cmd.Text = $"SELECT {Columns} FROM inbound_faxes{SqlWhere.Of(where)} ORDER BY id DESC LIMIT @limit";
                return cmd.ListAsync(Read, ct);
            },
            ct).ConfigureAwait(false);
    }

    public Task UpdateAsync(InboundFax fax, InboundEvent evt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fax);
        ArgumentNullException.ThrowIfNull(evt);
        return db.WriteAsync(
            async s =>
            {
                int n = await Bind(
                        s.Sql(
                            """
                            UPDATE inbound_faxes SET mailbox_id = @mailbox, caller_number = @caller, sender_id = @sender, dialled_number = @dialled,
                                sub_address = @sub, pages = @pages, received_at = @received, state = @state, reason = @reason, document = @document,
                                from_job_id = @job, partial = @partial, note = @note, updated_at = @updated
                            WHERE id = @id
                            """),
                        fax)
                    .With("@id", fax.Id)
                    .ExecuteAsync(ct).ConfigureAwait(false);
                if (n != 1)
                {
                    throw new KeyNotFoundException($"There is no fax {fax.Id} to update.");
                }

                evt.FaxId = fax.Id;
                evt.Id = await BindEvent(s.Sql(EventInsert), evt).InsertAsync(ct).ConfigureAwait(false);
            },
            ct);
    }

    public Task AddEventAsync(InboundEvent evt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(evt);
        return db.WriteAsync(async s => evt.Id = await BindEvent(s.Sql(EventInsert), evt).InsertAsync(ct).ConfigureAwait(false), ct);
    }

    public async Task<IReadOnlyList<InboundEvent>> EventsAsync(long faxId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT id, fax_id, at, kind, user_id, message FROM inbound_events WHERE fax_id = @f ORDER BY id")
                .With("@f", faxId)
                .ListAsync(
                    r => new InboundEvent
                    {
                        Id = r.GetInt64(0),
                        FaxId = r.GetInt64(1),
                        At = db.Dialect.ReadTime(r, 2),
                        Kind = r.GetString(3),
                        UserId = r.Int64OrNull(4),
                        Message = r.GetString(5),
                    },
                    ct),
            ct).ConfigureAwait(false);

    public async Task<IReadOnlyList<InboundFax>> ReceivedBeforeAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql($"SELECT {Columns} FROM inbound_faxes WHERE received_at < @cutoff ORDER BY id").WithTime("@cutoff", cutoff).ListAsync(Read, ct),
            ct).ConfigureAwait(false);

    public Task<bool> PurgeAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM inbound_faxes WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);

    /// <summary>Makes %, _ and \ in a user's search text literal (LIKE ... ESCAPE '\').</summary>
    internal static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static SqlCommand Bind(SqlCommand cmd, InboundFax fax) =>
        cmd.With("@mailbox", fax.MailboxId)
            .With("@caller", fax.CallerNumber)
            .With("@sender", fax.SenderId)
            .With("@dialled", fax.DialledNumber)
            .With("@sub", fax.SubAddress)
            .With("@pages", fax.Pages)
            .WithTime("@received", fax.ReceivedAt)
            .With("@state", (int)fax.State)
            .With("@reason", (int)fax.Reason)
            .With("@document", fax.Document)
            .With("@job", fax.FromJobId)
            .With("@partial", fax.Partial)
            .With("@note", fax.Note)
            .WithTime("@updated", fax.UpdatedAt);

    private static SqlCommand BindEvent(SqlCommand cmd, InboundEvent evt) =>
        cmd.With("@fax", evt.FaxId)
            .WithTime("@at", evt.At)
            .With("@kind", evt.Kind)
            .With("@user", evt.UserId)
            .With("@message", evt.Message);

    private InboundFax Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        MailboxId = r.Int64OrNull(1),
        CallerNumber = r.StringOrNull(2),
        SenderId = r.StringOrNull(3),
        DialledNumber = r.StringOrNull(4),
        SubAddress = r.StringOrNull(5),
        Pages = r.GetInt32(6),
        ReceivedAt = db.Dialect.ReadTime(r, 7),
        State = (InboundState)r.GetInt32(8),
        Reason = (UnroutableReason)r.GetInt32(9),
        Document = r.GetString(10),
        FromJobId = r.Int64OrNull(11),
        Partial = r.GetBoolean(12),
        Note = r.StringOrNull(13),
        UpdatedAt = db.Dialect.ReadTime(r, 14),
    };
}
