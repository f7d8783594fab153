using System.Globalization;
using System.Text;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Log;

/// <summary>
/// The send/receive log for people and for charging (seed 004: quotas, fees): the post office
/// sees everything, others the records of mailboxes they can read or send from. Exports as CSV
/// and in HylaFAX's xferfaxlog layout so existing accounting scripts can read it.
/// </summary>
public sealed class LogService(IPostOfficeStore store, AuthorizationService rights)
{
    public async Task<IReadOnlyList<TransmissionRecord>> QueryAsync(Principal by, LogQuery query, CancellationToken ct)
    {
        if (query.Limit is < 1 or > 100_000)
        {
            throw new ValidationException("The limit is 1 to 100000 records.");
        }

        if (!by.IsPostOffice)
        {
            var visible = await rights.MailboxesWithAsync(by, MailboxRights.ReadIncoming | MailboxRights.Send, ct).ConfigureAwait(false);
            var wanted = query.MailboxIds is null ? visible : query.MailboxIds.Where(visible.Contains).ToList();
            if (wanted.Count == 0)
            {
                return [];
            }

            query = query with { MailboxIds = wanted };
        }

        return await store.Log.QueryAsync(query, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// The log narrowed further by user, remote number (digits contained) and result, as the console's
    /// filters ask. The store applies every filter before the limit, so the first <see cref="LogQuery.Limit"/>
    /// matches come back however many other records lie in the time range.
    /// </summary>
    public Task<IReadOnlyList<TransmissionRecord>> SearchAsync(Principal by, LogQuery query, LogFilter filter, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(filter);
        string digits = TransmissionRecord.DigitsOf(filter.Number);
        return QueryAsync(by, query with
        {
            UserId = filter.UserId,
            RemoteDigits = digits.Length == 0 ? null : digits,
            Result = string.IsNullOrWhiteSpace(filter.Result) ? null : filter.Result.Trim(),
        }, ct);
    }

    public static string ToCsv(IEnumerable<TransmissionRecord> records)
    {
        var sb = new StringBuilder("time,direction,mailbox,user,job,fax,remote_number,remote_id,pages,duration_s,result,reason,line\r\n");
        foreach (var r in records)
        {
            sb.Append(r.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)).Append(',')
              .Append(r.Direction == Direction.Send ? "send" : "receive").Append(',')
              .Append(r.MailboxId).Append(',').Append(r.UserId).Append(',').Append(r.JobId).Append(',').Append(r.FaxId).Append(',')
              .Append(Csv.Field(r.RemoteNumber)).Append(',').Append(Csv.Field(r.RemoteId)).Append(',')
              .Append(r.Pages).Append(',').Append(((int)r.Duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)).Append(',')
              .Append(Csv.Field(r.Result)).Append(',').Append(Csv.Field(r.Reason)).Append(',').Append(Csv.Field(r.Line)).Append("\r\n");
        }

        return sb.ToString();
    }

    /// <summary>HylaFAX xferfaxlog lines: tab-separated date, SEND/RECV, commid, device, jobid, jobtag, sender,
    /// "dest", "TSI/CSI", params, npages, jobtime, conntime, "reason".</summary>
    public static string ToXferFaxLog(IEnumerable<TransmissionRecord> records)
    {
        var sb = new StringBuilder();
        foreach (var r in records)
        {
            string time = r.At.UtcDateTime.ToString("MM/dd/yy HH:mm", CultureInfo.InvariantCulture);
            string duration = r.Duration.ToString(@"h\:mm\:ss", CultureInfo.InvariantCulture);
            sb.Append(time).Append('\t')
              .Append(r.Direction == Direction.Send ? "SEND" : "RECV").Append('\t')
              .Append(r.Id.ToString("D9", CultureInfo.InvariantCulture)).Append('\t')
              .Append(r.Line).Append('\t')
              .Append(r.JobId?.ToString(CultureInfo.InvariantCulture) ?? r.FaxId?.ToString(CultureInfo.InvariantCulture)).Append('\t')
              .Append("\"\"\t")
              .Append(r.UserId).Append('\t')
              .Append(Quote(r.RemoteNumber)).Append('\t')
              .Append(Quote(r.RemoteId)).Append('\t')
              .Append('0').Append('\t')
              .Append(r.Pages).Append('\t')
              .Append(duration).Append('\t')
              .Append(duration).Append('\t')
              .Append(Quote(r.Result == "ok" ? "" : r.Reason ?? r.Result)).Append('\n');
        }

        return sb.ToString();
    }

    private static string Quote(string? s) => "\"" + (s ?? "").Replace('"', '\'').Replace('\t', ' ') + "\"";
}

/// <summary>Filters on top of <see cref="LogQuery"/>: the user who sent, a part of the remote number, the result word.</summary>
public sealed record LogFilter(long? UserId = null, string? Number = null, string? Result = null)
{
    public bool IsEmpty => UserId is null && string.IsNullOrWhiteSpace(Number) && string.IsNullOrWhiteSpace(Result);
}
