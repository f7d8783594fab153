using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlGrantStore(SqlDatabase db) : IGrantStore
{
    public async Task<IReadOnlyList<Grant>> ForMailboxAsync(long mailboxId, CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT id, mailbox_id, grantee_kind, grantee_id, rights FROM grants WHERE mailbox_id = @m ORDER BY id")
                .With("@m", mailboxId)
                .ListAsync(
                    r => new Grant
                    {
                        Id = r.GetInt64(0),
                        MailboxId = r.GetInt64(1),
                        GranteeKind = (GranteeKind)r.GetInt32(2),
                        GranteeId = r.GetInt64(3),
                        Rights = (MailboxRights)r.GetInt32(4),
                    },
                    ct),
            ct).ConfigureAwait(false);

    public Task SetAsync(long mailboxId, GranteeKind kind, long granteeId, MailboxRights rights, CancellationToken ct) =>
        db.WriteAsync(
            s => (rights == MailboxRights.None
                    ? s.Sql("DELETE FROM grants WHERE mailbox_id = @m AND grantee_kind = @k AND grantee_id = @g")
                    : s.Sql(
                        """
                        INSERT INTO grants (mailbox_id, grantee_kind, grantee_id, rights) VALUES (@m, @k, @g, @r)
                        ON CONFLICT (mailbox_id, grantee_kind, grantee_id) DO UPDATE SET rights = excluded.rights
                        """))
                .With("@m", mailboxId)
                .With("@k", (int)kind)
                .With("@g", granteeId)
                .With("@r", (int)rights)
                .ExecuteAsync(ct),
            ct);
}
