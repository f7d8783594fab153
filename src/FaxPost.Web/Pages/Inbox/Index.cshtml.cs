using System.Globalization;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Http;

namespace FaxPost.Web.Pages.Inbox;

/// <summary>Received faxes of every mailbox the user may read (or one of them), filtered by sender and date.</summary>
public sealed class IndexModel(InboxService inbox) : FaxPostPageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<MailboxAccess> Readable { get; private set; } = [];

    public IReadOnlyList<InboundFax> Faxes { get; private set; } = [];

    public long? Mailbox { get; private set; }

    public string? Sender { get; private set; }

    public string? From { get; private set; }

    public string? To { get; private set; }

    public string? OlderLink { get; private set; }

    public bool Filtered => Sender is not null || From is not null || To is not null;

    public async Task OnGetAsync(long? mailbox, string? sender, string? from, string? to, long? before, CancellationToken ct)
    {
        Readable = Me.With(MailboxRights.ReadIncoming).ToList();
        Mailbox = mailbox;
        Sender = string.IsNullOrWhiteSpace(sender) ? null : sender.Trim();
        From = string.IsNullOrWhiteSpace(from) ? null : from;
        To = string.IsNullOrWhiteSpace(to) ? null : to;
        DateTimeOffset? fromTime = Day(From, "from");
        DateTimeOffset? toTime = Day(To, "until")?.AddDays(1);
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // The inbox service decides what may be read (a mailbox not readable is refused, 403).
        var found = await inbox.ListAsync(Caller, new InboundQuery(
            MailboxIds: mailbox is { } m ? [m] : null,
            Sender: Sender,
            From: fromTime,
            To: toTime,
            Limit: PageSize + 1,
            BeforeId: before), ct).ConfigureAwait(false);
        Faxes = found.Take(PageSize).ToList();
        if (found.Count > PageSize)
        {
            var query = new Dictionary<string, string?> { ["before"] = Faxes[^1].Id.ToString(CultureInfo.InvariantCulture) };
            if (mailbox is { } mb)
            {
                query["mailbox"] = mb.ToString(CultureInfo.InvariantCulture);
            }

            query["sender"] = Sender;
            query["from"] = From;
            query["to"] = To;
            OlderLink = Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("/inbox", query.Where(kv => kv.Value is not null));
        }
    }

    public string MailboxName(long? id) =>
        id is { } m && Me.Find(m) is { } access ? access.Label : id is null ? "fax post office" : $"mailbox {id}";

    private DateTimeOffset? Day(string? value, string field)
    {
        if (value is null)
        {
            return null;
        }

        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        Error = $"'{value}' is not a date ({field}); use YYYY-MM-DD.";
        return null;
    }
}
