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
                    INSERT INTO transmission_log (at, direction, mailbox_id, user_id, job_id, fax_id, remote_number, remote_digits, remote_id, pages, duration_ms, result, reason, line)
                    VALUES (@at, @direction, @mailbox, @user, @job, @fax, @number, @digits, @remote, @pages, @duration, @result, @reason, @line) RETURNING id
                    """)
                .WithTime("@at", record.At)
                .With("@direction", (int)record.Direction)
                .With("@mailbox", record.MailboxId)
                .With("@user", record.UserId)
                .With("@job", record.JobId)
                .With("@fax", record.FaxId)
                .With("@number", record.RemoteNumber)
                .With("@digits", record.RemoteNumber is null ? null : TransmissionRecord.DigitsOf(record.RemoteNumber))
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

    /// <summary>Oldest first (the order of an export); From is inclusive, To exclusive; the limit counts matches only.</summary>
    public async Task<IReadOnlyList<TransmissionRecord>> QueryAsync(LogQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.MailboxIds is { Count: 0 } || query.Limit <= 0)
        {
            return [];
        }

        if (query.RemoteDigits is { } digits && TransmissionRecord.DigitsOf(digits) != digits)
        {
            throw new ArgumentException("RemoteDigits holds digits only.", nameof(query));
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

                if (query.UserId is { } user)
                {
                    cmd.With("@user", user);
                    where.Add("user_id = @user");
                }

                if (!string.IsNullOrEmpty(query.RemoteDigits))
                {
                    // Digits only (checked above), so the pattern holds no LIKE wildcards.
                    cmd.With("@digits", "%" + query.RemoteDigits + "%");
                    where.Add("remote_digits LIKE @digits");
                }

                if (!string.IsNullOrEmpty(query.Result))
                {
                    // ASCII lower case on both sides (SQLite's lower() knows no other), as the result index is built.
                    cmd.With("@result", AsciiLower(query.Result));
                    where.Add("lower(result) = @result");
                }

                cmd.With("@limit", query.Limit);
                cmd.Text = query.Newest
                    ? $"SELECT {Columns} FROM (SELECT {Columns} FROM transmission_log{SqlWhere.Of(where)} ORDER BY at DESC, id DESC LIMIT @limit) AS newest ORDER BY at, id"
                    : $"SELECT {Columns} FROM transmission_log{SqlWhere.Of(where)} ORDER BY at, id LIMIT @limit";
                return cmd.ListAsync(Read, ct);
            },
            ct).ConfigureAwait(false);
    }

    private static string AsciiLower(string s) => string.Create(s.Length, s, static (span, text) =>
    {
        for (int i = 0; i < text.Length; i++)
        {
            span[i] = char.IsAsciiLetterUpper(text[i]) ? (char)(text[i] | 0x20) : text[i];
        }
    });

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
