using MailKit;
using MailKit.Security;

namespace FaxPost.Gateways.Mail;

/// <summary>Connects and logs in any MailKit client (IMAP, POP3, SMTP) as configured.</summary>
internal static class MailConnection
{
    public static async Task OpenAsync(IMailService client, MailServerOptions server, int defaultPlainPort, int defaultTlsPort, CancellationToken ct)
    {
        client.Timeout = (int)Math.Clamp(server.Timeout.TotalMilliseconds, 1000, int.MaxValue);
        if (server.IgnoreInvalidCertificates)
        {
            // Seed 003: "ignore invalid certificates" for self-signed mail servers; off by default.
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        }

        var socketOptions = server.Security switch
        {
            MailSecurity.None => SecureSocketOptions.None,
            MailSecurity.StartTls => SecureSocketOptions.StartTls,
            MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTlsWhenAvailable,
        };
        int port = server.Port != 0 ? server.Port : server.Security == MailSecurity.Tls ? defaultTlsPort : defaultPlainPort;
        await client.ConnectAsync(server.Host, port, socketOptions, ct).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(server.UserName))
        {
            await client.AuthenticateAsync(server.UserName, server.Password ?? "", ct).ConfigureAwait(false);
        }
    }
}
