using FaxPost.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxPost.Gateways.Mail;

/// <summary>Registers the mail gateway: fax-to-email and notifications (an observer), mail-to-fax, the outbox and their background loop.</summary>
public static class MailGatewayServices
{
    public static IServiceCollection AddMailGateway(this IServiceCollection services, MailGatewayOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Mail configuration: " + string.Join(" ", errors));
        }

        services.AddSingleton(options);
        services.AddSingleton<IMailSender>(_ => new SmtpMailSender(options.Smtp));
        services.AddSingleton<IFaxPageRenderer, FaxPageRenderer>();
        services.AddSingleton<MailComposer>();
        services.AddSingleton<FaxMailDelivery>();
        services.AddSingleton<MailOutbox>();
        services.AddSingleton<SerialLetterReport>();
        services.AddSingleton<FaxMailer>();
        services.AddSingleton<IPostOfficeObserver>(sp => sp.GetRequiredService<FaxMailer>());
        services.AddSingleton<MailToFaxProcessor>();
        services.AddSingleton<MailFetcher>();
        services.AddSingleton<MailGateway>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MailGateway>());
        return services;
    }
}

/// <summary>The gateway's background work: the outbox, mails for faxes left unmailed by a restart, and (if on) the mail-to-fax fetch loop.</summary>
public sealed partial class MailGateway(MailOutbox outbox, FaxMailer mailer, MailFetcher fetcher, MailToFaxProcessor processor, MailGatewayOptions options, TimeProvider time, ILogger<MailGateway> logger) : BackgroundService
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromHours(6);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var work = new List<Task> { outbox.RunAsync(stoppingToken), ForgetOldMessagesAsync(stoppingToken) };
        try
        {
            int resent = await mailer.ResendPendingAsync(stoppingToken).ConfigureAwait(false);
            if (resent > 0)
            {
                LogResent(resent);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogResendFailed(e);
        }

        if (options.MailToFax)
        {
            work.Add(fetcher.RunAsync(stoppingToken));
        }

        await Task.WhenAll(work).ConfigureAwait(false);
    }

    /// <summary>Expires records of handled mail-to-fax messages, at start and every few hours.</summary>
    private async Task ForgetOldMessagesAsync(CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            try
            {
                int forgotten = await processor.ForgetOldMessagesAsync(ct).ConfigureAwait(false);
                if (forgotten > 0)
                {
                    LogForgotten(forgotten);
                }

                await Task.Delay(CleanupInterval, time, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogForgetFailed(e);
                try
                {
                    await Task.Delay(CleanupInterval, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(EventId = 6503, Level = LogLevel.Information, Message = "Forgot {Count} record(s) of mail-to-fax messages not seen for a long time")]
    private partial void LogForgotten(int count);

    [LoggerMessage(EventId = 6504, Level = LogLevel.Error, Message = "Expiring records of mail-to-fax messages failed")]
    private partial void LogForgetFailed(Exception e);

    [LoggerMessage(EventId = 6501, Level = LogLevel.Information, Message = "Mailing {Count} fax(es) that were received before a restart")]
    private partial void LogResent(int count);

    [LoggerMessage(EventId = 6502, Level = LogLevel.Error, Message = "Looking for unmailed faxes failed")]
    private partial void LogResendFailed(Exception e);
}
