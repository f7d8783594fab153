using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>A mail waiting to be sent, with what to do once it is delivered or has failed for good.</summary>
public sealed record OutgoingMail(MimeMessage Message, string What, Func<CancellationToken, Task>? Delivered = null, Func<string, CancellationToken, Task>? Failed = null);

/// <summary>
/// Sends mails in the background so a fax intake or a job change never waits for SMTP. A temporary
/// failure is retried after <see cref="MailGatewayOptions.SmtpRetryDelay"/>, doubled each time, up to
/// <see cref="MailGatewayOptions.SmtpMaxTries"/> tries; then (or at once on a permanent failure) the
/// mail's Failed callback runs (fax-to-email puts the fax in the post office queue).
/// </summary>
public sealed partial class MailOutbox(IMailSender sender, MailGatewayOptions options, TimeProvider time, ILogger<MailOutbox> logger)
{
    private readonly Channel<OutgoingMail> _queue = Channel.CreateUnbounded<OutgoingMail>();
    private int _pending;

    /// <summary>Mails queued or being retried.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public void Enqueue(OutgoingMail mail)
    {
        Interlocked.Increment(ref _pending);
        _queue.Writer.TryWrite(mail);
    }

    /// <summary>Sends until cancelled; retries run concurrently so one slow mail does not hold the others.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var running = new List<Task>();
        try
        {
            await foreach (var mail in _queue.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                running.RemoveAll(t => t.IsCompleted);
                running.Add(DeliverAsync(mail, counted: true, ct));
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }

        try
        {
            await Task.WhenAll(running).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Sends one mail now with the retry policy (replies, which the caller waits for); true when delivered.</summary>
    public Task<bool> SendNowAsync(OutgoingMail mail, CancellationToken ct) => DeliverAsync(mail, counted: false, ct);

    private async Task<bool> DeliverAsync(OutgoingMail mail, bool counted, CancellationToken ct)
    {
        try
        {
            var delay = options.SmtpRetryDelay;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    await sender.SendAsync(mail.Message, ct).ConfigureAwait(false);
                    LogSent(mail.What);
                    if (mail.Delivered is not null)
                    {
                        await mail.Delivered(ct).ConfigureAwait(false);
                    }

                    return true;
                }
                catch (MailDeliveryException e) when (!e.Permanent && attempt < options.SmtpMaxTries)
                {
                    LogRetry(mail.What, attempt, e.Message);
                    await Task.Delay(delay, time, ct).ConfigureAwait(false);
                    delay *= 2;
                }
                catch (MailDeliveryException e)
                {
                    string reason = e.Permanent ? e.Message : $"{e.Message} (gave up after {attempt} tries)";
                    LogFailed(mail.What, reason);
                    if (mail.Failed is not null)
                    {
                        await mail.Failed(reason, ct).ConfigureAwait(false);
                    }

                    return false;
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e)
        {
            LogCrashed(e, mail.What);
            return false;
        }
        finally
        {
            if (counted)
            {
                Interlocked.Decrement(ref _pending);
            }
        }
    }

    [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Mailed {What}")]
    private partial void LogSent(string what);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Mailing {What} failed (try {Attempt}), will retry: {Reason}")]
    private partial void LogRetry(string what, int attempt, string reason);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Error, Message = "Mailing {What} failed for good: {Reason}")]
    private partial void LogFailed(string what, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Error, Message = "Mailing {What} crashed")]
    private partial void LogCrashed(Exception e, string what);
}
