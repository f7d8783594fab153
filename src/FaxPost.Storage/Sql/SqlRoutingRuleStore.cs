using FaxPost.Core.Routing;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlRoutingRuleStore(SqlDatabase db) : IRoutingRuleStore
{
    /// <summary>In the order they are tried: by <see cref="RoutingRule.Order"/>, then by id.</summary>
    public async Task<IReadOnlyList<RoutingRule>> ListAsync(CancellationToken ct) =>
        await db.ReadAsync(
            s => s.Sql("SELECT id, match_kind, pattern, mailbox_id, ord FROM routing_rules ORDER BY ord, id")
                .ListAsync(
                    r => new RoutingRule
                    {
                        Id = r.GetInt64(0),
                        Match = (RoutingMatch)r.GetInt32(1),
                        Pattern = r.GetString(2),
                        MailboxId = r.GetInt64(3),
                        Order = r.GetInt32(4),
                    },
                    ct),
            ct).ConfigureAwait(false);

    public async Task<long> SaveAsync(RoutingRule rule, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rule);
        long id = await db.WriteAsync(
            async s =>
            {
                var cmd = s.Sql(rule.Id == 0
                        ? "INSERT INTO routing_rules (match_kind, pattern, mailbox_id, ord) VALUES (@match, @pattern, @mailbox, @ord) RETURNING id"
                        : "UPDATE routing_rules SET match_kind = @match, pattern = @pattern, mailbox_id = @mailbox, ord = @ord WHERE id = @id")
                    .With("@id", rule.Id)
                    .With("@match", (int)rule.Match)
                    .With("@pattern", rule.Pattern)
                    .With("@mailbox", rule.MailboxId)
                    .With("@ord", rule.Order);
                if (rule.Id == 0)
                {
                    return await cmd.InsertAsync(ct).ConfigureAwait(false);
                }

                return await cmd.ExecuteAsync(ct).ConfigureAwait(false) == 1
                    ? rule.Id
                    : throw new KeyNotFoundException($"There is no routing rule {rule.Id} to update.");
            },
            ct).ConfigureAwait(false);
        rule.Id = id;
        return id;
    }

    public Task<bool> DeleteAsync(long id, CancellationToken ct) =>
        db.WriteAsync(async s => await s.Sql("DELETE FROM routing_rules WHERE id = @id").With("@id", id).ExecuteAsync(ct).ConfigureAwait(false) > 0, ct);
}
