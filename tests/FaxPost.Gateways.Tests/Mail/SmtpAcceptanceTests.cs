using System.Net;
using System.Net.Sockets;
using System.Text;
using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// Once the SMTP server accepted the mail (RFC 5321 §4.1.1.4: 250 after the end of DATA) the mail is
/// sent, whatever happens to QUIT; a connection lost before that reply is a temporary failure. A small
/// scripted SMTP server on a loopback socket plays both.
/// </summary>
public sealed class SmtpAcceptanceTests
{
    [Fact]
    public async Task AConnectionLostAfterTheServerAcceptedTheMailIsNoFailure()
    {
        await using var server = FakeSmtpServer.Start(dropBeforeDataReply: false);
        await new SmtpMailSender(server.Options).SendAsync(Message(), CancellationToken.None);
        Assert.Equal(1, await server.AcceptedAsync());
    }

    [Fact]
    public async Task AConnectionLostBeforeTheReplyToDataIsATemporaryFailure()
    {
        await using var server = FakeSmtpServer.Start(dropBeforeDataReply: true);
        var e = await Assert.ThrowsAsync<MailDeliveryException>(() => new SmtpMailSender(server.Options).SendAsync(Message(), CancellationToken.None));
        Assert.False(e.Permanent);
        Assert.Equal(0, await server.AcceptedAsync());
    }

    private static MimeMessage Message()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("faxpost@faxpost.test"));
        message.To.Add(MailboxAddress.Parse("carol@example.org"));
        message.Subject = "notice";
        message.Body = new TextPart("plain") { Text = "test" };
        return message;
    }

    /// <summary>Speaks just enough SMTP for one mail, then hangs up instead of answering QUIT (or instead of answering the data).</summary>
    private sealed class FakeSmtpServer : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task<int> _session;

        private FakeSmtpServer(TcpListener listener, bool dropBeforeDataReply)
        {
            _listener = listener;
            _session = RunAsync(dropBeforeDataReply);
        }

        public MailServerOptions Options => new() { Host = "127.0.0.1", Port = ((IPEndPoint)_listener.LocalEndpoint).Port, Security = MailSecurity.None, Timeout = TimeSpan.FromSeconds(10) };

        public static FakeSmtpServer Start(bool dropBeforeDataReply)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return new FakeSmtpServer(listener, dropBeforeDataReply);
        }

        /// <summary>How many mails the server answered 250 to.</summary>
        public Task<int> AcceptedAsync() => _session;

        private async Task<int> RunAsync(bool dropBeforeDataReply)
        {
            using var client = await _listener.AcceptTcpClientAsync();
            client.LingerState = new LingerOption(true, 0); // hang up with a reset, as a crashed server or a cut line does
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            async Task SayAsync(string line) => await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\r\n"));
            await SayAsync("220 fake.example ESMTP");
            while (await reader.ReadLineAsync() is { } line)
            {
                string verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await SayAsync("250 fake.example");
                        break;
                    case "DATA":
                        await SayAsync("354 go ahead");
                        while (await reader.ReadLineAsync() is { } data && data != ".")
                        {
                        }

                        if (dropBeforeDataReply)
                        {
                            return 0;
                        }

                        await SayAsync("250 2.0.0 queued");
                        return 1; // and no answer to QUIT
                    default:
                        await SayAsync("250 ok");
                        break;
                }
            }

            return 0;
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            try
            {
                await _session;
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
            }

            _listener.Dispose();
        }
    }
}
