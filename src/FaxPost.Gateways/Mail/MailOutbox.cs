using System.Threading.Channels;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// A mail to send; <paramref name="FaxId"/> names the received fax it delivers (its outcome is recorded on the fax);
/// <paramref name="LedgerKey"/> a mail message ledger record that gets its outcome ("sent", "failed|reason").
/// </summary>
public sealed record OutgoingMail(MimeMessage Message, string What, QueuedMailKind Kind = QueuedMailKind.Other, long? FaxId = null, string? LedgerKey = null);

/// <summary>
/// Sends mails in the background so a fax intake or a job change never waits for SMTP. Every mail is
/// stored in the post office's mail queue before <see cref="EnqueueAsync"/> returns, so a restart loses
/// no fax-to-email delivery or notification. A temporary failure (RFC 5321 §4.2.1: 4yz, network) is
/// retried after <see cref="MailGatewayOptions.SmtpRetryDelay"/>, doubled each time, up to
/// <see cref="MailGatewayOptions.SmtpMaxTries"/> tries; then (or at once on a permanent failure) the
/// mail is given up, and a received fax it carried goes to the fax post office queue. Each attempt
/// leases the mail in the store, so several nodes on one PostgreSQL database never send it twice at
/// once, and a node that dies mid-attempt leaves it to be retried when the lease ends. Acceptance by the
/// SMTP server is recorded first (<see cref="IMailStore.MarkSentAsync"/>); the follow-up (a fax marked
/// delivered) and the removal come after and are finished after a restart without sending again.
/// </summary>
public sealed partial class MailOutbox(IPostOfficeStore store, IMailSender sender, FaxMailDelivery deliveries, SerialLetterReport serialLetters, MailGatewayOptions options, TimeProvider time, ILogger<MailOutbox> logger)
{
    private const int Batch = 50;
    private const int Parallel = 4;
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromHours(6);

    /// <summary>Look at the queue at least this often (mails queued by other nodes).</summary>
    private static readonly TimeSpan QueuePoll = TimeSpan.FromSeconds(30);

    /// <summary>How long a node may take for one attempt before another may try the mail again.</summary>
    private readonly TimeSpan _lease = options.Smtp.Timeout * 3 + TimeSpan.FromMinutes(1);

    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Stores the mail for sending (durable when this returns) and wakes the sender.</summary>
    public async Task EnqueueAsync(OutgoingMail mail, CancellationToken ct)
    {
        await store.Mail.EnqueueAsync(await ToQueuedAsync(mail, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        Wake();
    }

    /// <summary>The stored form of a mail, due now (for callers that store it with other state in one transaction, then <see cref="Wake"/>).</summary>
    public Task<QueuedMail> ToQueuedAsync(OutgoingMail mail, CancellationToken ct) => ToQueuedAsync(mail, time.GetUtcNow(), ct);

    /// <summary>The stored form of a mail, due at <paramref name="now"/>.</summary>
    internal static async Task<QueuedMail> ToQueuedAsync(OutgoingMail mail, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        using var content = new MemoryStream();
        await mail.Message.WriteToAsync(content, ct).ConfigureAwait(false);
        return new QueuedMail { Kind = mail.Kind, FaxId = mail.FaxId, What = mail.What, Content = content.ToArray(), CreatedAt = now, NextAttemptAt = now, LedgerKey = mail.LedgerKey };
    }

    /// <summary>Mails were stored by someone else (<see cref="ToQueuedAsync"/>): look at the queue now.</summary>
    public void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Mails queued or waiting for a retry.</summary>
    public Task<int> PendingAsync(CancellationToken ct) => store.Mail.CountAsync(ct);

    /// <summary>Sends until cancelled: every mail due, then sleeps until the next is due, a new one arrives, or the poll interval passes (other nodes).</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TimeSpan sleep;
            try
            {
                await SendDueAsync(ct).ConfigureAwait(false);
                var next = await store.Mail.NextDueAsync(ct).ConfigureAwait(false);
                sleep = next is { } n ? n - time.GetUtcNow() : QueuePoll;
                if (sleep > QueuePoll)
                {
                    sleep = QueuePoll;
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogQueueFailed(e);
                sleep = QueuePoll;
            }

            if (sleep <= TimeSpan.Zero)
            {
                continue;
            }

            using var timer = new CancellationTokenSource(sleep, time);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct, timer.Token);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                // the next mail is due
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: tries every mail due now (a few at a time); returns how many were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        int tried = 0;
        while (true)
        {
            var due = await store.Mail.DueAsync(time.GetUtcNow(), Batch, ct).ConfigureAwait(false);
            int mine = 0;

            // Each mail is leased just before its own attempt, not the batch up front: a lease then covers one
            // attempt, however long the mails before it took, and never runs out while the mail is still waiting here.
            await System.Threading.Tasks.Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallel, CancellationToken = ct }, async (mail, c) =>
            {
                if (await store.Mail.TryLeaseAsync(mail.Id, mail.NextAttemptAt, time.GetUtcNow() + _lease, c).ConfigureAwait(false))
                {
                    Interlocked.Increment(ref mine);
                    await AttemptAsync(mail, c).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);

            if (mine == 0)
            {
                return tried;
            }

            tried += mine;
        }
    }

    private async Task AttemptAsync(QueuedMail mail, CancellationToken ct)
    {
        MimeMessage message;
        try
        {
            message = await MimeMessage.LoadAsync(new MemoryStream(mail.Content, writable: false), ct).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            await GiveUpAsync(mail, $"the stored mail cannot be read: {e.Message}", ct).ConfigureAwait(false);
            return;
        }

        if (mail.SentAt is null)
        {
            try
            {
                await sender.SendAsync(message, ct).ConfigureAwait(false);
            }
            catch (MailDeliveryException e) when (e.Permanent)
            {
                await GiveUpAsync(mail, e.Message, ct).ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Temporary (4yz, network), or an unexpected fault of the sender, which counts as temporary too.
                if (e is not MailDeliveryException)
                {
                    LogCrashed(e, mail.What);
                }

                await FailedTryAsync(mail, e.Message, ct).ConfigureAwait(false);
                return;
            }

            // Accepted (RFC 5321 §4.1.1.4: the reply to the end of DATA): the first write, and not cut short by a
            // shutdown, since a mail not marked sent is sent again once the lease ends.
            await store.Mail.MarkSentAsync(mail.Id, time.GetUtcNow(), CancellationToken.None).ConfigureAwait(false);
            LogSent(mail.What);
        }
        else
        {
            LogFinishing(mail.What); // accepted before a restart: only the follow-up is left
        }

        if (mail.FaxId is { } faxId)
        {
            await deliveries.DeliveredAsync(faxId, mail.Kind, string.Join(", ", message.To.Mailboxes.Select(m => m.Address)), ct).ConfigureAwait(false);
        }

        await LetterMailFinishedAsync(mail, ct).ConfigureAwait(false);
        await store.Mail.RemoveAsync(mail.Id, ct).ConfigureAwait(false);
    }

    private async Task FailedTryAsync(QueuedMail mail, string error, CancellationToken ct)
    {
        int tries = mail.Tries + 1;
        if (tries >= options.SmtpMaxTries)
        {
            await GiveUpAsync(mail, $"{error} (gave up after {tries} tries)", ct).ConfigureAwait(false);
            return;
        }

        var delay = BackOff(tries);
        LogRetry(mail.What, tries, delay.TotalSeconds, error);
        await store.Mail.RetryLaterAsync(mail.Id, tries, time.GetUtcNow() + delay, error, ct).ConfigureAwait(false);
    }

    private async Task GiveUpAsync(QueuedMail mail, string reason, CancellationToken ct)
    {
        LogFailed(mail.What, reason);
        if (mail.LedgerKey is { } ledger)
        {
            await store.Mail.SetMessageAsync(ledger, "failed|" + reason, time.GetUtcNow(), ct).ConfigureAwait(false);
            await LetterMailFinishedAsync(mail, ct).ConfigureAwait(false);
        }

        await store.Mail.RemoveAsync(mail.Id, ct).ConfigureAwait(false);
        if (mail.FaxId is { } faxId)
        {
            await deliveries.FailedAsync(faxId, $"mailing it failed: {reason}", ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A serial letter's mail is finished (its outcome is in the ledger): the letter's report goes out if this was its
    /// last unfinished part. Before the row is removed, so a node dying in between leaves the check to whoever
    /// finishes the row after the lease (the report's compare-and-set keeps it to one).
    /// </summary>
    private async Task LetterMailFinishedAsync(QueuedMail mail, CancellationToken ct)
    {
        if (mail.Kind == QueuedMailKind.SerialLetter && mail.LedgerKey is { } ledger && await serialLetters.LetterMailFinishedAsync(ledger, ct).ConfigureAwait(false))
        {
            Wake();
        }
    }

    /// <summary>The wait after the n-th failed try: the first delay, doubled each time, at most six hours.</summary>
    internal TimeSpan BackOff(int tries)
    {
        var delay = options.SmtpRetryDelay;
        for (int i = 1; i < tries && delay < MaxBackOff; i++)
        {
            delay *= 2;
        }

        return delay < MaxBackOff ? delay : MaxBackOff;
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Mailed {What}")]
    private partial void LogSent(string what);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Mailing {What} failed (try {Attempt}), will retry in {Seconds} s: {Reason}")]
    private partial void LogRetry(string what, int attempt, double seconds, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "Mailing {What} failed for good: {Reason}")]
    private partial void LogFailed(string what, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "Mailing {What} crashed; counted as a failed try")]
    private partial void LogCrashed(Exception e, string what);

    [LoggerMessage(EventId = 6106, Level = LogLevel.Information, Message = "Finishing {What}, accepted by the mail server before a restart")]
    private partial void LogFinishing(string what);

    [LoggerMessage(EventId = 6105, Level = LogLevel.Error, Message = "The mail queue could not be read")]
    private partial void LogQueueFailed(Exception e);
}
