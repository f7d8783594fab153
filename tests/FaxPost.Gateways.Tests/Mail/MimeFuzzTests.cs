using System.Text;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>Mutated mails never crash the gateway: the pure pipeline at volume, the whole processor on a sample.</summary>
public sealed class MimeFuzzTests
{
    private static readonly byte[] Seed = Encoding.UTF8.GetBytes(
        "From: Alice <alice@example.org>\r\nTo: fax@example.org\r\nSubject: =?utf-8?q?0089123456=2C_M=C3=BCller?= PIN 4711\r\n" +
        "Message-ID: <seed@example.org>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
        "--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n--b2\r\nContent-Type: text/plain; charset=utf-8\r\n" +
        "Content-Transfer-Encoding: quoted-printable\r\n\r\nGr=C3=BC=C3=9Fe=\r\n und Text\r\n--b2\r\nContent-Type: text/html\r\n\r\n<p>Gr&uuml;&szlig;e</p>\r\n--b2--\r\n" +
        "--b1\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\nContent-Disposition: attachment; filename*=utf-8''%C3%A4.pdf\r\n" +
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKMSAwIG9iago8PD4+CmVuZG9iago=\r\n--b1\r\nContent-Type: text/plain; charset=x-unknown\r\n" +
        "Content-Disposition: attachment; filename=n.txt\r\n\r\n\xFF\xFE text\r\n--b1--\r\n");

    [Fact]
    public void MutatedMessagesThroughParsersAndExtraction()
    {
        var random = new Random(66);
        var extractor = new MailDocumentExtractor(MailFaxContent.MailAndAttachments, 1 << 20, 10);
        var buffer = new byte[Seed.Length + 64];
        // 50,000 whole-message parses keep this under the ~20 s CI budget on two cores.
        for (int i = 0; i < 50_000; i++)
        {
            int length = Mutate(random, buffer);
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(new MemoryStream(buffer, 0, length, writable: false));
            }
            catch (FormatException)
            {
                continue; // MimeKit's own refusal; the fetcher never sees such a message as a MimeMessage
            }

            _ = MailLoopDetector.Classify(message, "faxpost@example.org");
            var subject = SubjectParser.Parse(message.Subject);
            Assert.True(subject.IsValid ^ (subject.Error is not null));
            var documents = extractor.Extract(message);
            Assert.True(documents.Error is not null || documents.Documents.Count + documents.Refused.Count > 0);
            Assert.StartsWith("mail.msg.", MailToFaxProcessor.KeyOf(message.Headers), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MutatedMessagesThroughTheProcessorAreAlwaysDone()
    {
        var sent = new RecordingMailSender();
        await using var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), services =>
        {
            services.AddSingleton<IMailSender>(sent);
            services.AddSingleton<Core.Jobs.IFaxDocumentFactory, OnePageFactory>();
        });
        await office.UserAsync("alice", "alice@example.org", "101", pin: "4711");
        var processor = office.Get<MailToFaxProcessor>();
        var random = new Random(67);
        var buffer = new byte[Seed.Length + 64];
        for (int i = 0; i < 300; i++)
        {
            int length = Mutate(random, buffer);
            MimeMessage message;
            try
            {
                message = MimeMessage.Load(new MemoryStream(buffer, 0, length, writable: false));
            }
            catch (FormatException)
            {
                continue;
            }

            message.MessageId = $"fuzz{i}@example.org";
            var result = await processor.ProcessAsync(message, CancellationToken.None);

            // RetryLater would mean an unexpected exception inside the handler.
            Assert.True(result.IsDone, $"mutation {i}: {result.Outcome}: {result.Detail}");
        }
    }

    private static readonly byte[] Specials = [(byte)'\r', (byte)'\n', (byte)'-', (byte)':', (byte)';', (byte)'=', (byte)'"', (byte)'<', (byte)'>', (byte)'@', 0, 0xFF];

    /// <summary>A few byte flips, insertions, deletions or truncation of the seed.</summary>
    private static int Mutate(Random random, byte[] buffer)
    {
        Seed.CopyTo(buffer, 0);
        int length = Seed.Length;
        int edits = random.Next(1, 6);
        for (int e = 0; e < edits; e++)
        {
            int at = random.Next(length);
            switch (random.Next(4))
            {
                case 0:
                    buffer[at] = (byte)random.Next(256);
                    break;
                case 1 when length < buffer.Length:
                    Array.Copy(buffer, at, buffer, at + 1, length - at);
                    buffer[at] = Specials[random.Next(Specials.Length)];
                    length++;
                    break;
                case 2 when length > 1:
                    Array.Copy(buffer, at + 1, buffer, at, length - at - 1);
                    length--;
                    break;
                default:
                    length = Math.Max(1, random.Next(length));
                    break;
            }
        }

        return length;
    }
}
