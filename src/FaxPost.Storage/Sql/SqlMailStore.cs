using System.Data.Common;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlMailStore(SqlDatabase db) : IMailStore
{
    private const string Columns = "id, kind, fax_id, what, content, tries, created_at, next_attempt_at, last_error, sent_at, ledger_key";

    public async Task<long> EnqueueAsync(QueuedMail mail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        return await db.WriteAsync(s => InsertAsync(s, mail, ct), ct).ConfigureAwait(false);
    }

    private static async Task<long> InsertAsync(SqlSession s, QueuedMail mail, CancellationToken ct)
    {
        long id = await s.Sql("INSERT INTO mail_queue (kind, fax_id, what, content, tries, created_at, next_attempt_at, last_error, sent_at, ledger_key) " +
                       "VALUES (@kind, @fax, @what, @content, @tries, @created, @next, @error, @sent, @ledger) RETURNING id")
                .With("@kind", (int)mail.Kind)
                .With("@fax", mail.FaxId)
                .With("@what", mail.What)
                .With("@content", mail.Content)
                .With("@tries", mail.Tries)
                .WithTime("@created", mail.CreatedAt)
                .WithTime("@next", mail.NextAttemptAt)
                .With("@error", mail.LastError)
                .WithTime("@sent", mail.SentAt)
                .With("@ledger", mail.LedgerKey)
                .InsertAsync(ct).ConfigureAwait(false);
        mail.Id = id;
        return id;
    }

    public async Task<IReadOnlyList<QueuedMail>> DueAsync(DateTimeOffset now, int limit, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql($"SELECT {Columns} FROM mail_queue WHERE next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT @limit")
                .WithTime("@now", now)
                .With("@limit", Math.Max(1, limit))
                .ListAsync(Read, ct),
            ct).ConfigureAwait(false);

    public Task<bool> TryLeaseAsync(long id, DateTimeOffset expected, DateTimeOffset until, CancellationToken ct) =>
        db.WriteAsync(
            async s => await s.Sql("UPDATE mail_queue SET next_attempt_at = @until WHERE id = @id AND next_attempt_at = @expected")
                .With("@id", id)
                .WithTime("@until", until)
                .WithTime("@expected", expected)
                .ExecuteAsync(ct).ConfigureAwait(false) == 1,
            ct);

    public Task MarkSentAsync(long id, DateTimeOffset at, CancellationToken ct) =>
        db.WriteAsync(
            async s =>
            {
                await s.Sql("UPDATE mail_queue SET sent_at = @at WHERE id = @id").With("@id", id).WithTime("@at", at).ExecuteAsync(ct).ConfigureAwait(false);
                string? ledger = await s.Sql("SELECT ledger_key FROM mail_queue WHERE id = @id").With("@id", id).ScalarAsync<string>(ct).ConfigureAwait(false);
                if (ledger is not null)
                {
                    await UpsertMessageAsync(s, ledger, "sent", at, ct).ConfigureAwait(false);
                }
            },
            ct);

    public Task RetryLaterAsync(long id, int tries, DateTimeOffset next, string error, CancellationToken ct) =>
        db.WriteAsync(
            s => s.Sql("UPDATE mail_queue SET tries = @tries, next_attempt_at = @next, last_error = @error WHERE id = @id")
                .With("@id", id)
                .With("@tries", tries)
                .WithTime("@next", next)
                .With("@error", error)
                .ExecuteAsync(ct),
            ct);

    public Task<bool> RemoveAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM mail_queue WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) == 1, ct);

    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct)
    {
        var first = await db.ReadAsync(
            s => s.Sql("SELECT next_attempt_at FROM mail_queue ORDER BY next_attempt_at LIMIT 1")
                .ListAsync(r => db.Dialect.ReadTime(r, 0), ct),
            ct).ConfigureAwait(false);
        return first.Count == 0 ? null : first[0];
    }

    public Task<int> CountAsync(CancellationToken ct) =>
        db.ReadAsync(s => s.Sql("SELECT COUNT(*) FROM mail_queue").ScalarAsync<int>(ct), ct);

    public async Task<IReadOnlyList<long>> QueuedFaxIdsAsync(CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT DISTINCT fax_id FROM mail_queue WHERE fax_id IS NOT NULL").ListAsync(r => r.GetInt64(0), ct),
            ct).ConfigureAwait(false);

    public Task<MailMessageRecord?> GetMessageAsync(string key, CancellationToken ct) =>
        db.ReadAsync(
            s => s.Sql("SELECT key, state, seen_at FROM mail_messages WHERE key = @k")
                .With("@k", key)
                .FirstOrDefaultAsync(r => new MailMessageRecord(r.GetString(0), r.GetString(1), db.Dialect.ReadTime(r, 2)), ct),
            ct);

    public Task SetMessageAsync(string key, string state, DateTimeOffset seenAt, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(state);
        return db.WriteAsync(s => UpsertMessageAsync(s, key, state, seenAt, ct), ct);
    }

    public Task<bool> TransitionMessageAsync(MessageTransition transition, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(transition);
        return db.WriteAsync(
            async s =>
            {
                // The compare-and-set is one statement, so of two nodes racing exactly one sees a row changed;
                // the loser's transaction writes nothing else.
                int changed = transition.Expected is null
                    ? await s.Sql("INSERT INTO mail_messages (key, state, seen_at) VALUES (@k, @s, @at) ON CONFLICT (key) DO NOTHING")
                        .With("@k", transition.Key).With("@s", transition.State).WithTime("@at", transition.SeenAt)
                        .ExecuteAsync(ct).ConfigureAwait(false)
                    : await s.Sql("UPDATE mail_messages SET state = @s, seen_at = @at WHERE key = @k AND state = @expected")
                        .With("@k", transition.Key).With("@s", transition.State).WithTime("@at", transition.SeenAt).With("@expected", transition.Expected)
                        .ExecuteAsync(ct).ConfigureAwait(false);
                if (changed != 1)
                {
                    return false;
                }

                foreach (var mail in transition.Mails)
                {
                    await InsertAsync(s, mail, ct).ConfigureAwait(false);
                }

                foreach (var record in transition.Records)
                {
                    await UpsertMessageAsync(s, record.Key, record.State, record.SeenAt, ct).ConfigureAwait(false);
                }

                return true;
            },
            ct);
    }

    public Task<MessageClaimResult> ClaimMessageAsync(string key, string node, DateTimeOffset now, DateTimeOffset until, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentException.ThrowIfNullOrEmpty(node);
        if (node.Contains('|', StringComparison.Ordinal))
        {
            throw new ArgumentException("A node name must not contain '|'.", nameof(node));
        }

        return db.WriteAsync(
            async s =>
            {
                string? state = await s.Sql("SELECT state FROM mail_messages WHERE key = @k").With("@k", key).ScalarAsync<string>(ct).ConfigureAwait(false);
                MessageClaim? previous = null;
                if (state is not null)
                {
                    if (state.StartsWith("done", StringComparison.Ordinal))
                    {
                        return new MessageClaimResult(false, state, null, null);
                    }

                    if (MessageClaim.TryParse(state, out previous) && previous.Node != node && !previous.IsExpired(now))
                    {
                        return new MessageClaimResult(false, state, previous, null); // another node is at it
                    }
                }

                // The compare-and-set: an insert that does nothing when a record exists, or an update only from the state
                // read above. Of any number of nodes racing, one changes a row; every other sees 0 and has lost.
                var claim = new MessageClaim(previous?.Since ?? now, node, until);
                int changed = state is null
                    ? await s.Sql("INSERT INTO mail_messages (key, state, seen_at) VALUES (@k, @s, @at) ON CONFLICT (key) DO NOTHING")
                        .With("@k", key).With("@s", claim.State).WithTime("@at", now)
                        .ExecuteAsync(ct).ConfigureAwait(false)
                    : await s.Sql("UPDATE mail_messages SET state = @s, seen_at = @at WHERE key = @k AND state = @expected")
                        .With("@k", key).With("@s", claim.State).WithTime("@at", now).With("@expected", state)
                        .ExecuteAsync(ct).ConfigureAwait(false);
                if (changed == 1)
                {
                    return new MessageClaimResult(true, claim.State, claim, previous);
                }

                string? current = await s.Sql("SELECT state FROM mail_messages WHERE key = @k").With("@k", key).ScalarAsync<string>(ct).ConfigureAwait(false);
                return new MessageClaimResult(false, current, MessageClaim.TryParse(current, out var winner) ? winner : null, null);
            },
            ct);
    }

    private static Task<int> UpsertMessageAsync(SqlSession s, string key, string state, DateTimeOffset seenAt, CancellationToken ct) =>
        s.Sql("INSERT INTO mail_messages (key, state, seen_at) VALUES (@k, @s, @at) ON CONFLICT (key) DO UPDATE SET state = excluded.state, seen_at = excluded.seen_at")
            .With("@k", key)
            .With("@s", state)
            .WithTime("@at", seenAt)
            .ExecuteAsync(ct);

    public Task<int> ForgetMessagesAsync(DateTimeOffset cutoff, CancellationToken ct) =>
        db.WriteAsync(s => s.Sql("DELETE FROM mail_messages WHERE seen_at < @cutoff").WithTime("@cutoff", cutoff).ExecuteAsync(ct), ct);

    private QueuedMail Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Kind = (QueuedMailKind)r.GetInt32(1),
        FaxId = r.Int64OrNull(2),
        What = r.GetString(3),
        Content = r.GetFieldValue<byte[]>(4),
        Tries = r.GetInt32(5),
        CreatedAt = db.Dialect.ReadTime(r, 6),
        NextAttemptAt = db.Dialect.ReadTime(r, 7),
        LastError = r.StringOrNull(8),
        SentAt = db.Dialect.ReadTimeOrNull(r, 9),
        LedgerKey = r.StringOrNull(10),
    };
}
