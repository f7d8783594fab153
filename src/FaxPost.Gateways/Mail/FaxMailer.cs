using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// The mail side of the post office's events: every fax routed to a mailbox with an e-mail address
/// is mailed there (pages as PDF or TIFF, or a notice only), and submitters hear about their jobs
/// (queued, retrying, failed, done), except for a serial letter's faxes, which the letter's reports
/// cover. Mails go through the <see cref="MailOutbox"/>; a fax whose mail
/// fails for good goes to the fax post office queue.
/// </summary>
public sealed partial class FaxMailer(
    IPostOfficeStore store,
    IDocumentStore documents,
    MailComposer composer,
    MailOutbox outbox,
    FaxMailDelivery deliveries,
    SerialLetterReport serialLetters,
    IFaxPageRenderer renderer,
    NotificationPreferences preferences,
    MailGatewayOptions options,
    ILogger<FaxMailer> logger) : IPostOfficeObserver
{
    public async Task FaxArrivedAsync(InboundFax fax, CancellationToken ct)
    {
        if (fax.State is not (InboundState.Routed or InboundState.HandedOff) || fax.MailboxId is not { } mailboxId)
        {
            return;
        }

        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false);
        if (mailbox?.Email is not { Length: > 0 } email)
        {
            return; // the fax stays in the web inbox
        }

        if (!InternetAddressList.TryParse(email, out var to) || to.Mailboxes.Count() == 0)
        {
            await deliveries.FailedAsync(fax.Id, $"the mailbox address '{email}' is not an e-mail address", ct).ConfigureAwait(false);
            return;
        }

        byte[]? pages = null, preview = null;
        if (mailbox.MailPages)
        {
            string path = documents.FullPath(fax.Document);
            try
            {
                pages = options.FaxFormat == FaxMailFormat.Tiff ? await File.ReadAllBytesAsync(path, ct).ConfigureAwait(false) : renderer.ToPdf(path);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRenderFailed(e, fax.Id);
                await deliveries.FailedAsync(fax.Id, $"the pages could not be prepared for mail: {e.Message}", ct).ConfigureAwait(false);
                return;
            }

            preview = options.InlineFirstPage ? renderer.FirstPagePng(path, 600) : null;
        }

        var message = composer.FaxMail(fax, mailbox, to, pages, preview);
        string addresses = string.Join(", ", to.Mailboxes.Select(m => m.Address));
        await outbox.EnqueueAsync(
            new OutgoingMail(message, $"fax {fax.Id} to {addresses}", mailbox.MailPages ? QueuedMailKind.Fax : QueuedMailKind.FaxNotice, fax.Id),
            ct).ConfigureAwait(false);
    }

    public async Task JobChangedAsync(FaxJob job, string message, CancellationToken ct)
    {
        if (await serialLetters.JobChangedAsync(job, ct).ConfigureAwait(false))
        {
            outbox.Wake();
        }

        bool final = job.State is JobState.Done or JobState.Failed;
        bool interesting = final || job.State is JobState.Queued or JobState.WaitingToRetry;
        if (!interesting || (job.State == JobState.Queued && job.Tries > 0))
        {
            return;
        }

        if (await serialLetters.IsSerialLetterAsync(job.GroupId, ct).ConfigureAwait(false))
        {
            return; // a serial letter's fax: the letter's reports cover it
        }

        var user = await store.Users.GetAsync(job.SubmittedBy, ct).ConfigureAwait(false);
        var (level, format) = user is null ? new NotificationSettings(NotifyLevel.Default, NotifyFormat.Default) : await preferences.GetAsync(user.Id, ct).ConfigureAwait(false);
        if (level == NotifyLevel.Default)
        {
            level = options.Notify ? NotifyLevel.All : NotifyLevel.Off;
        }

        if (level == NotifyLevel.Off || (level == NotifyLevel.Final && !final))
        {
            return;
        }

        string? address = job.NotifyAddress is { Length: > 0 } n ? n : user?.Email;
        if (address is null || !MailboxAddress.TryParse(address, out var to))
        {
            return;
        }

        bool html = format == NotifyFormat.Html || (format == NotifyFormat.Default && options.NotifyHtml);
        byte[]? preview = null, pdf = null;
        if (html && job.FaxDocument is { } document && documents.Exists(document))
        {
            string path = documents.FullPath(document);
            preview = renderer.FirstPagePng(path, 300);
            try
            {
                pdf = renderer.ToPdf(path);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRenderFailed(e, job.Id);
            }
        }

        var history = await store.Jobs.EventsAsync(job.Id, ct).ConfigureAwait(false);
        await outbox.EnqueueAsync(
            new OutgoingMail(composer.JobMail(job, message, to, html, preview, pdf, history), $"notice for job {job.Id} ({job.State.Describe()}) to {to.Address}", QueuedMailKind.JobNotice),
            ct).ConfigureAwait(false);
    }

    /// <summary>Mails faxes that were routed but never queued for mail (the server stopped between routing and queueing).</summary>
    public async Task<int> ResendPendingAsync(CancellationToken ct)
    {
        int count = 0;
        var queued = (await store.Mail.QueuedFaxIdsAsync(ct).ConfigureAwait(false)).ToHashSet();
        foreach (var fax in await store.Inbound.QueryAsync(new InboundQuery(Limit: 1000), ct).ConfigureAwait(false))
        {
            // A fax whose mail is in the queue already is sent from there.
            if (fax.State is InboundState.Routed or InboundState.HandedOff && fax.MailboxId is not null && !queued.Contains(fax.Id))
            {
                var mailbox = await store.Mailboxes.GetAsync(fax.MailboxId.Value, ct).ConfigureAwait(false);
                if (mailbox?.Email is { Length: > 0 } && !await WasMailedAsync(fax.Id, ct).ConfigureAwait(false))
                {
                    await FaxArrivedAsync(fax, ct).ConfigureAwait(false);
                    count++;
                }
            }
        }

        return count;
    }

    private async Task<bool> WasMailedAsync(long faxId, CancellationToken ct) =>
        (await store.Inbound.EventsAsync(faxId, ct).ConfigureAwait(false)).Any(e => e.Kind == "mailed");

    [LoggerMessage(EventId = 6201, Level = LogLevel.Error, Message = "Fax {Id} could not be rendered for mail")]
    private partial void LogRenderFailed(Exception e, long id);
}
