using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Pop3;
using MailKit.Search;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Fetches the mail-to-fax mailbox (seed 003): IMAP by default — waiting with IDLE (RFC 2177) where
/// the server has it, polling otherwise — or POP3 every <see cref="MailGatewayOptions.PollInterval"/>.
/// Each message is handed to the <see cref="MailToFaxProcessor"/>; only when it is done (queued,
/// refused, discarded) is it removed or flagged, so a crash leaves it for the next fetch.
/// </summary>
public sealed partial class MailFetcher(MailToFaxProcessor processor, MailGatewayOptions options, TimeProvider time, ILogger<MailFetcher> logger)
{
    /// <summary>IMAP keyword for messages that are done when they are kept in the mailbox.</summary>
    public const string DoneKeyword = "$FaxPostDone";

    private static readonly TimeSpan MaxIdle = TimeSpan.FromMinutes(9); // RFC 2177 §3: re-issue IDLE before 29 minutes

    /// <summary>Runs until cancelled; connection errors are logged and retried with a growing pause.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var pause = TimeSpan.FromSeconds(5);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                if (options.Protocol == MailFetchProtocol.Imap)
                {
                    await RunImapAsync(ct).ConfigureAwait(false);
                }
                else
                {
                    await FetchPop3Async(ct).ConfigureAwait(false);
                    await Task.Delay(options.PollInterval, time, ct).ConfigureAwait(false);
                }

                pause = TimeSpan.FromSeconds(5);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFetchFailed(e, options.Fetch.Host, pause.TotalSeconds);
                try
                {
                    await Task.Delay(pause, time, ct).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            }
        }
    }

    /// <summary>One pass over the mailbox with the configured protocol; returns how many messages became done.</summary>
    public Task<int> FetchOnceAsync(CancellationToken ct) =>
        options.Protocol == MailFetchProtocol.Imap ? FetchImapOnceAsync(ct) : FetchPop3Async(ct);

    private async Task<int> FetchImapOnceAsync(CancellationToken ct)
    {
        using var client = new ImapClient();
        await MailConnection.OpenAsync(client, options.Fetch, 143, 993, ct).ConfigureAwait(false);
        var folder = await OpenFolderAsync(client, ct).ConfigureAwait(false);
        int done = await DrainImapAsync(folder, client.Capabilities.HasFlag(ImapCapabilities.UidPlus), ct).ConfigureAwait(false);
        await client.DisconnectAsync(true, ct).ConfigureAwait(false);
        return done;
    }

    private async Task RunImapAsync(CancellationToken ct)
    {
        using var client = new ImapClient();
        await MailConnection.OpenAsync(client, options.Fetch, 143, 993, ct).ConfigureAwait(false);
        var folder = await OpenFolderAsync(client, ct).ConfigureAwait(false);
        bool idle = client.Capabilities.HasFlag(ImapCapabilities.Idle);
        LogConnected(options.Fetch.Host, idle ? "IMAP IDLE" : "IMAP polling");
        while (!ct.IsCancellationRequested)
        {
            await DrainImapAsync(folder, client.Capabilities.HasFlag(ImapCapabilities.UidPlus), ct).ConfigureAwait(false);
            if (idle)
            {
                using var wake = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wake.CancelAfter(options.PollInterval < MaxIdle ? options.PollInterval : MaxIdle);
                void OnArrival(object? sender, EventArgs e) => wake.Cancel();
                folder.CountChanged += OnArrival;
                try
                {
                    await client.IdleAsync(wake.Token, ct).ConfigureAwait(false);
                }
                finally
                {
                    folder.CountChanged -= OnArrival;
                }
            }
            else
            {
                await Task.Delay(options.PollInterval, time, ct).ConfigureAwait(false);
                await client.NoOpAsync(ct).ConfigureAwait(false);
            }
        }

        await client.DisconnectAsync(true, CancellationToken.None).ConfigureAwait(false);
    }

    private async Task<IMailFolder> OpenFolderAsync(ImapClient client, CancellationToken ct)
    {
        var folder = options.Folder.Equals("INBOX", StringComparison.OrdinalIgnoreCase)
            ? client.Inbox
            : await client.GetFolderAsync(options.Folder, ct).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadWrite, ct).ConfigureAwait(false);
        return folder;
    }

    private async Task<int> DrainImapAsync(IMailFolder folder, bool uidPlus, CancellationToken ct)
    {
        var query = options.DeleteFetched ? SearchQuery.NotDeleted : SearchQuery.NotDeleted.And(SearchQuery.NotKeyword(DoneKeyword));
        var uids = await folder.SearchAsync(query, ct).ConfigureAwait(false);
        if (uids.Count == 0)
        {
            return 0;
        }

        int done = 0;
        var remove = new List<UniqueId>();
        var summaries = await folder.FetchAsync(uids, MessageSummaryItems.UniqueId | MessageSummaryItems.Size, ct).ConfigureAwait(false);
        foreach (var summary in summaries)
        {
            ct.ThrowIfCancellationRequested();
            MailResult result;
            if (summary.Size is { } size && size > options.MaxMessageBytes)
            {
                HeaderList headers;
                try
                {
                    headers = await folder.GetHeadersAsync(summary.UniqueId, ct).ConfigureAwait(false);
                }
                catch (MessageNotFoundException)
                {
                    continue; // another node fetching this mailbox removed it meanwhile
                }

                result = await processor.RefuseTooLargeAsync(headers, size, ct).ConfigureAwait(false);
            }
            else
            {
                MimeMessage? message = null;
                string? unreadable = null;
                try
                {
                    message = await folder.GetMessageAsync(summary.UniqueId, ct).ConfigureAwait(false);
                }
                catch (FormatException e)
                {
                    // MimeKit's ParseException: answered from the headers, so the message cannot block the mailbox.
                    unreadable = e.Message;
                }
                catch (MessageNotFoundException)
                {
                    continue; // another node fetching this mailbox removed it meanwhile
                }

                result = message is not null
                    ? await processor.ProcessAsync(message, ct).ConfigureAwait(false)
                    : await processor.RefuseUnreadableAsync(await HeadersOrEmptyAsync(() => folder.GetHeadersAsync(summary.UniqueId, ct)).ConfigureAwait(false), unreadable!, ct).ConfigureAwait(false);
            }

            LogHandled(summary.UniqueId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Outcome, result.Detail);
            if (!result.IsDone)
            {
                continue;
            }

            done++;
            if (options.DeleteFetched)
            {
                await folder.StoreAsync(summary.UniqueId, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Deleted) { Silent = true }, ct).ConfigureAwait(false);
                remove.Add(summary.UniqueId);
            }
            else
            {
                await folder.StoreAsync(summary.UniqueId, new StoreFlagsRequest(StoreAction.Add, MessageFlags.Seen, [DoneKeyword]) { Silent = true }, ct).ConfigureAwait(false);
            }
        }

        if (remove.Count > 0)
        {
            // RFC 4315 (UIDPLUS): expunge only what we deleted; without it, EXPUNGE removes every \Deleted message.
            if (uidPlus)
            {
                await folder.ExpungeAsync(remove, ct).ConfigureAwait(false);
            }
            else
            {
                await folder.ExpungeAsync(ct).ConfigureAwait(false);
            }
        }

        return done;
    }

    private async Task<int> FetchPop3Async(CancellationToken ct)
    {
        using var client = new Pop3Client();
        await MailConnection.OpenAsync(client, options.Fetch, 110, 995, ct).ConfigureAwait(false);
        int count = await client.GetMessageCountAsync(ct).ConfigureAwait(false);
        int done = 0;
        if (count > 0)
        {
            var sizes = await client.GetMessageSizesAsync(ct).ConfigureAwait(false);
            for (int i = 0; i < count; i++)
            {
                ct.ThrowIfCancellationRequested();
                HeaderList? headers = null;
                if (!options.DeleteFetched)
                {
                    // Kept messages stay on the server: skip the ones already done without downloading them.
                    headers = await client.GetMessageHeadersAsync(i, ct).ConfigureAwait(false);
                    if (await processor.IsDoneAsync(headers, ct).ConfigureAwait(false))
                    {
                        continue;
                    }
                }

                MailResult result;
                if (sizes[i] > options.MaxMessageBytes)
                {
                    headers ??= await client.GetMessageHeadersAsync(i, ct).ConfigureAwait(false);
                    result = await processor.RefuseTooLargeAsync(headers, sizes[i], ct).ConfigureAwait(false);
                }
                else
                {
                    MimeMessage? message = null;
                    string? unreadable = null;
                    try
                    {
                        message = await client.GetMessageAsync(i, ct).ConfigureAwait(false);
                    }
                    catch (FormatException e)
                    {
                        unreadable = e.Message;
                    }

                    int index = i;
                    result = message is not null
                        ? await processor.ProcessAsync(message, ct).ConfigureAwait(false)
                        : await processor.RefuseUnreadableAsync(headers ?? await HeadersOrEmptyAsync(() => client.GetMessageHeadersAsync(index, ct)).ConfigureAwait(false), unreadable!, ct).ConfigureAwait(false);
                }

                LogHandled((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), result.Outcome, result.Detail);
                if (result.IsDone)
                {
                    done++;
                    if (options.DeleteFetched)
                    {
                        await client.DeleteMessageAsync(i, ct).ConfigureAwait(false);
                    }
                }
            }
        }

        // RFC 1939 §6: deletions take effect at QUIT.
        await client.DisconnectAsync(true, ct).ConfigureAwait(false);
        return done;
    }

    private static async Task<HeaderList> HeadersOrEmptyAsync(Func<Task<HeaderList>> read)
    {
        try
        {
            return await read().ConfigureAwait(false);
        }
        catch (FormatException)
        {
            return [];
        }
    }

    [LoggerMessage(EventId = 6401, Level = LogLevel.Warning, Message = "Fetching mail from {Host} failed; next try in {Seconds} s")]
    private partial void LogFetchFailed(Exception e, string host, double seconds);

    [LoggerMessage(EventId = 6402, Level = LogLevel.Information, Message = "Mail-to-fax connected to {Host} ({Mode})")]
    private partial void LogConnected(string host, string mode);

    [LoggerMessage(EventId = 6403, Level = LogLevel.Information, Message = "Mail {Id}: {Outcome}: {Detail}")]
    private partial void LogHandled(string id, MailOutcome outcome, string detail);
}
