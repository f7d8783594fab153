using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>Sends one message; throws <see cref="MailDeliveryException"/> saying whether a retry may help.</summary>
public interface IMailSender
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>A mail could not be handed to the SMTP server. <see cref="Permanent"/>: a retry will not help (5xx, bad address).</summary>
public sealed class MailDeliveryException(string message, bool permanent, Exception? inner = null) : Exception(message, inner)
{
    public bool Permanent { get; } = permanent;
}

/// <summary>
/// SMTP submission with MailKit: STARTTLS or TLS, AUTH when a user is configured. Classifies
/// failures by RFC 5321 §4.2.1: 4yz replies and network errors are temporary, 5yz permanent.
/// </summary>
public sealed class SmtpMailSender(MailServerOptions server) : IMailSender
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient();
        try
        {
            await MailConnection.OpenAsync(client, server, server.Security == MailSecurity.None ? 25 : 587, 465, ct).ConfigureAwait(false);
            await client.SendAsync(message, ct).ConfigureAwait(false);
        }
        catch (SmtpCommandException e)
        {
            throw new MailDeliveryException($"the mail server said {(int)e.StatusCode}: {e.Message}", (int)e.StatusCode >= 500, e);
        }
        catch (AuthenticationException e)
        {
            throw new MailDeliveryException($"the mail server refused our login: {e.Message}", false, e);
        }
        catch (Exception e) when (e is SmtpProtocolException or IOException or SocketException or SslHandshakeException or ServiceNotConnectedException or TimeoutException)
        {
            throw new MailDeliveryException($"the mail server could not be reached: {e.Message}", false, e);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // MailKit refuses a message it cannot send at all (no recipients, bad address).
            throw new MailDeliveryException($"the mail cannot be sent: {e.Message}", true, e);
        }

        // The server accepted the mail: a failed (or cancelled) QUIT must not make it look unsent and send it twice.
        try
        {
            await client.DisconnectAsync(true, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SmtpProtocolException or SmtpCommandException or IOException or SocketException or ServiceNotConnectedException or TimeoutException or OperationCanceledException)
        {
            // RFC 5321 §4.1.1.10: the transaction is complete before QUIT; nothing to do.
        }
    }
}
