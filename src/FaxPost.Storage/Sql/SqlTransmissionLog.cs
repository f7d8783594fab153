using System.Data.Common;
using FaxPost.Core.Log;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlTransmissionLog(SqlDatabase db) : ITransmissionLog
{
    private const string Columns =
        "id, at, direction, mailbox_id, user_id, job_id, fax_id, remote_number, remote_id, pages, duration_ms, result, reason, line";

    public async Task<long> AddAsync(TransmissionRecord record, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(record);
        long id = await db.WriteAsync(
            s => s.Sql(
                    """
                    INSERT INTO transmission_log (at, direction, mailbox_id, user_id, job_id, fax_id, remote_number, remote_id, pages, duration_ms, result, reason, line)
                    VALUES (@at, @direction, @mailbox, @user, @job, @fax, @number, @remote, @pages, @duration, @result, @reason, @line) RETURNING id
                    """)
                .WithTime("@at", record.At)
                .With("@direction", (int)record.Direction)
                .With("@mailbox", record.MailboxId)
                .With("@user", record.UserId)
                .With("@job", record.JobId)
                .With("@fax", record.FaxId)
                .With("@number", record.RemoteNumber)
                .With("@remote", record.RemoteId)
                .With("@pages", record.Pages)
                .With("@duration", (long)record.Duration.TotalMilliseconds)
                .With("@result", record.Result)
                .With("@reason", record.Reason)
                .With("@line", record.Line)
                .InsertAsync(ct),
            ct).ConfigureAwait(false);
        record.Id = id;
        return id;
    }

    /// <summary>Oldest first (the order of an export); From is inclusive, To exclusive.</summary>
    public async Task<IReadOnlyList<TransmissionRecord>> QueryAsync(LogQuery query, CancellationToken ct)
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
                if (query.From is { } from)
                {
                    cmd.WithTime("@from", from);
                    where.Add("at >= @from");
                }

                if (query.To is { } to)
                {
                    cmd.WithTime("@to", to);
                    where.Add("at < @to");
                }

                if (query.Direction is { } direction)
                {
                    cmd.With("@direction", (int)direction);
                    where.Add("direction = @direction");
                }

                if (query.MailboxIds is not null)
                {
                    cmd.WithList("@m", query.MailboxIds, out string inList);
                    where.Add("mailbox_id " + inList);
                }

                cmd.With("@limit", query.Limit);
                cmd.Text = $"SELECT {Columns} FROM transmission_log{SqlWhere.Of(where)} ORDER BY at, id LIMIT @limit";
                return cmd.ListAsync(Read, ct);
            },
            ct).ConfigureAwait(false);
    }

    private TransmissionRecord Read(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        At = db.Dialect.ReadTime(r, 1),
        Direction = (Direction)r.GetInt32(2),
        MailboxId = r.Int64OrNull(3),
        UserId = r.Int64OrNull(4),
        JobId = r.Int64OrNull(5),
        FaxId = r.Int64OrNull(6),
        RemoteNumber = r.StringOrNull(7),
        RemoteId = r.StringOrNull(8),
        Pages = r.GetInt32(9),
        Duration = TimeSpan.FromMilliseconds(r.GetInt64(10)),
        Result = r.GetString(11),
        Reason = r.StringOrNull(12),
        Line = r.StringOrNull(13),
    };
}
