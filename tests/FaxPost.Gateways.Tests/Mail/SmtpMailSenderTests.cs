using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>SMTP submission against the test script's real SMTP server: implicit TLS (465), STARTTLS with AUTH (587), and how failures are classed.</summary>
[Collection("mail servers")]
public sealed class SmtpMailSenderTests
{
    public SmtpMailSenderTests() => MailServers.EnsureRunning();

    [Fact]
    public async Task ImplicitTlsDeliversWhenTheCertificateIsAcceptedAndFailsTemporarilyWhenNot()
    {
        string to = MailPostOffice.Address("tls");
        var server = new MailServerOptions { Host = MailServers.Host, Port = MailServers.SmtpTls, Security = MailSecurity.Tls, IgnoreInvalidCertificates = true, UserName = MailServers.User, Password = MailServers.Password, Timeout = TimeSpan.FromSeconds(20) };

        await new SmtpMailSender(server).SendAsync(Message(to, "over TLS"), CancellationToken.None);
        Assert.Equal("over TLS", Assert.Single(await MailServers.WaitForMailAsync(to)).Subject);

        server.IgnoreInvalidCertificates = false; // the test server's certificate is self-signed
        var refused = await Assert.ThrowsAsync<MailDeliveryException>(() => new SmtpMailSender(server).SendAsync(Message(MailPostOffice.Address("tls"), "never"), CancellationToken.None));
        Assert.False(refused.Permanent);
    }

    [Theory]
    [InlineData("reject", true, "550")]
    [InlineData("tempfail", false, "451")]
    public async Task ReplyCodesDecideWhetherARetryMayHelp(string who, bool permanent, string code)
    {
        var server = MailPostOffice.ServerOptions().Smtp;
        var e = await Assert.ThrowsAsync<MailDeliveryException>(() => new SmtpMailSender(server).SendAsync(Message(MailPostOffice.Address(who), "x"), CancellationToken.None));
        Assert.Equal(permanent, e.Permanent);
        Assert.Contains(code, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoServerIsATemporaryFailure()
    {
        var server = new MailServerOptions { Host = MailServers.Host, Port = 9, Security = MailSecurity.None, Timeout = TimeSpan.FromSeconds(5) };
        var e = await Assert.ThrowsAsync<MailDeliveryException>(() => new SmtpMailSender(server).SendAsync(Message("a@example.org", "x"), CancellationToken.None));
        Assert.False(e.Permanent);
    }

    private static MimeMessage Message(string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("faxpost@faxpost.test"));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = "test" };
        return message;
    }
}
