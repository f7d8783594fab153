using System.Net.Sockets;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>
/// The Dovecot and SMTP servers that scripts/lib/deps.sh (start_mail_servers) runs for these tests:
/// IMAP 10143/10993, POP3 10110/10995, SMTP 10025/10587/10465, users fax/faxpass, the SMTP sink's
/// spool in /tmp/faxpost-mail/smtp/&lt;recipient&gt;/. Tests fail (not skip) when they are missing.
/// </summary>
public static class MailServers
{
    public const string Host = "127.0.0.1";
    public const int Imap = 10143;
    public const int Imaps = 10993;
    public const int Pop3 = 10110;
    public const int Pop3s = 10995;
    public const int SmtpSubmission = 10587;
    public const int SmtpTls = 10465;
    public const string User = "fax";
    public const string Password = "faxpass";
    public const string Spool = "/tmp/faxpost-mail/smtp";

    public static void EnsureRunning()
    {
        foreach (int port in new[] { Imap, Imaps, Pop3, Pop3s, SmtpSubmission, SmtpTls })
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(Host, port);
            }
            catch (SocketException e)
            {
                throw new InvalidOperationException(
                    $"The test mail servers are not running (nothing on {Host}:{port}: {e.SocketErrorCode}). " +
                    "Start them with: bash -c '. scripts/lib/deps.sh; install_test_deps; start_mail_servers' (scripts/test.sh does this).", e);
            }
        }
    }

    /// <summary>Removes every message from the fax user's INBOX (the tests share it and run one at a time).</summary>
    public static async Task EmptyInboxAsync()
    {
        using var client = await ConnectAsync();
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadWrite);
        if (client.Inbox.Count > 0)
        {
            var all = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
            await client.Inbox.StoreAsync(all, new MailKit.StoreFlagsRequest(MailKit.StoreAction.Add, MailKit.MessageFlags.Deleted) { Silent = true });
            await client.Inbox.ExpungeAsync();
        }

        await client.DisconnectAsync(true);
    }

    /// <summary>Delivers a message into the fax mailbox (IMAP APPEND), as the organisation's mail server would.</summary>
    public static async Task AppendAsync(MimeMessage message)
    {
        using var client = await ConnectAsync();
        await client.Inbox.AppendAsync(new MailKit.AppendRequest(message));
        await client.DisconnectAsync(true);
    }

    /// <summary>Messages in the fax INBOX: (count, how many carry the given keyword).</summary>
    public static async Task<(int Count, int WithKeyword)> InboxAsync(string keyword)
    {
        using var client = await ConnectAsync();
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        int count = client.Inbox.Count;
        int flagged = count == 0 ? 0 : (await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.HasKeyword(keyword))).Count;
        await client.DisconnectAsync(true);
        return (count, flagged);
    }

    /// <summary>Mails the SMTP sink accepted for <paramref name="recipient"/>, oldest first.</summary>
    public static IReadOnlyList<MimeMessage> Received(string recipient)
    {
        string folder = Path.Combine(Spool, recipient.ToLowerInvariant());
        return Directory.Exists(folder)
            ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).Select(f => MimeMessage.Load(f)).ToList()
            : [];
    }

    /// <summary>Waits (generous real-time deadline, not a timing assertion) until <paramref name="count"/> mails arrived for the recipient.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> WaitForMailAsync(string recipient, int count = 1, string? what = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var mails = Received(recipient);
            if (mails.Count >= count)
            {
                return mails;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what ?? "mail"} for {recipient} never arrived ({mails.Count} of {count}).");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<ImapClient> ConnectAsync()
    {
        var client = new ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(Host, Imap, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(User, Password);
        return client;
    }
}
