using System.Globalization;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;

namespace FaxPost.Web.Pages.Outbox;

/// <summary>Sent faxes with their status, updated live (server-sent events from /outbox/live, see site.js).</summary>
public sealed class IndexModel(JobService jobs, TimeProvider time) : FaxPostPageModel
{
    public const int PageSize = 50;

    public IReadOnlyList<MailboxAccess> Mailboxes { get; private set; } = [];

    public IReadOnlyList<FaxJob> Jobs { get; private set; } = [];

    public long? Mailbox { get; private set; }

    public string? OlderLink { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public async Task OnGetAsync(long? mailbox, long? before, CancellationToken ct)
    {
        Now = time.GetUtcNow();
        Mailbox = mailbox;
        Mailboxes = Me.Mailboxes.Where(m => (m.Rights & MailboxRights.AllOutgoing) != 0).ToList();
        var found = await jobs.ListAsync(Caller, new JobQuery(MailboxIds: mailbox is { } m ? [m] : null, Limit: PageSize + 1, BeforeId: before), ct).ConfigureAwait(false);
        Jobs = found.Take(PageSize).ToList();
        if (found.Count > PageSize)
        {
            string last = Jobs[^1].Id.ToString(CultureInfo.InvariantCulture);
            OlderLink = mailbox is { } mb ? $"/outbox?mailbox={mb}&before={last}" : $"/outbox?before={last}";
        }
    }
}
