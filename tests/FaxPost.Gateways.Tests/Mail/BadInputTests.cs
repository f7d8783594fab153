using System.IO.Compression;
using System.Text;
using FaxPost.Core.Jobs;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using FaxPost.Imaging.Conversion;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// Issue 6 "bad input" through the whole processor: machine mail is never answered (no loop),
/// compressed bombs are refused by type without being unpacked, invalid UTF-8 in headers is handled,
/// and a mail that keeps crashing the gateway is refused after a few tries instead of blocking the mailbox.
/// </summary>
public sealed class BadInputTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly RecordingMailSender _sent = new();

    public static TheoryData<string, string, string> MachineMail => new()
    {
        { "Auto-Submitted", "auto-replied", "out of office" },
        { "Auto-Submitted", "auto-generated", "auto-generated" },
        { "X-Autoreply", "yes", "old-style auto-reply" },
        { "Precedence", "bulk", "bulk" },
        { "Return-Path", "<>", "bounce" },
        { "List-Id", "<staff.example.org>", "list" },
    };

    [Theory]
    [MemberData(nameof(MachineMail))]
    public async Task MachineMailFromAKnownUserIsDiscardedWithoutReplyOrFax(string header, string value, string what)
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var mail = MailToFaxProcessorTests.Mail(alice.Email!, "Re: Fax not sent: 0030123456"); // e.g. her out-of-office answering our refusal
        mail.Headers.Add(header, value);

        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct);

        Assert.True(result.Outcome == MailOutcome.Discarded, $"{what}: {result.Outcome} {result.Detail}");
        Assert.True(result.IsDone);
        Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));
        Assert.Empty(_sent.Sent);
        Assert.Empty(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task DeliveryStatusReportsAreDiscarded()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var dsn = new MimeMessage();
        dsn.From.Add(MailboxAddress.Parse(alice.Email!));
        dsn.Subject = "Delivery Status Notification (Failure) 0030123456";
        dsn.MessageId = "<dsn-1@example.org>";
        var report = new MultipartReport("delivery-status") { new TextPart("plain") { Text = "Your message could not be delivered." } };
        dsn.Body = report;

        Assert.Equal(MailOutcome.Discarded, (await office.Get<MailToFaxProcessor>().ProcessAsync(dsn, Ct)).Outcome);
        Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));
    }

    [Fact]
    public async Task CompressedBombsAreRefusedByTypeWithoutUnpacking()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        byte[] zip = ZipOfZeros(64 * 1024 * 1024); // 64 MiB of zeros in about 64 KiB
        byte[] gzip = GzipOfZeros(64 * 1024 * 1024);
        Assert.True(zip.Length < 200_000 && gzip.Length < 200_000);

        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(
            MailToFaxProcessorTests.MailWith(alice.Email!, "0030123456", ("bomb.zip", zip, "application/zip"), ("bomb.gz", gzip, "application/gzip"), ("bomb.pdf", zip, "application/pdf")),
            Ct);

        Assert.Equal(MailOutcome.Refused, result.Outcome);
        Assert.Contains("bomb.zip", result.Detail, StringComparison.Ordinal);
        Assert.Contains("bomb.gz", result.Detail, StringComparison.Ordinal);
        Assert.Contains("bomb.pdf", result.Detail, StringComparison.Ordinal); // named .pdf, but not a PDF
        Assert.Empty(await office.JobsOfAsync(alice));
        Assert.Contains("bomb.zip", (await _sent.WaitForAsync(alice.Email!)).TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidUtf8InHeadersIsReadAndAnsweredCleanly()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();

        // Raw 8-bit bytes that are not UTF-8 in the From display name: the mail is still faxed.
        var good = Load($"From: \xFF\xFE\xC3 Alice <{alice.Email}>\r\nSubject: 0030123456\r\n");
        var faxed = await processor.ProcessAsync(good, Ct);
        Assert.True(faxed.Outcome == MailOutcome.Submitted, $"{faxed.Outcome}: {faxed.Detail}; From: {good.From}");

        // In the subject, next to a number: refused with a reply that names what it could not read.
        var bad = Load($"From: Alice <{alice.Email}>\r\nSubject: 0030123456, M\xC3\x28ller\xFF\r\n");
        var refused = await processor.ProcessAsync(bad, Ct);
        Assert.Equal(MailOutcome.Refused, refused.Outcome);
        Assert.Contains("neither a fax number nor a name", refused.Detail, StringComparison.Ordinal);
        var reply = await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Fax not sent", StringComparison.Ordinal));
        Assert.StartsWith("Fax not sent: 0030123456, M", reply.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain(reply.Subject!, char.IsControl);
        Assert.Single(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task AMailThatKeepsCrashingTheGatewayIsRefusedAfterAFewTries()
    {
        await using var office = await StartAsync(new CrashingFactory());
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();
        var mail = MailToFaxProcessorTests.Mail(alice.Email!, "0030123456");

        var first = await processor.ProcessAsync(mail, Ct);
        var second = await processor.ProcessAsync(mail, Ct);
        var third = await processor.ProcessAsync(mail, Ct);

        Assert.Equal([MailOutcome.RetryLater, MailOutcome.RetryLater, MailOutcome.Refused], new[] { first.Outcome, second.Outcome, third.Outcome });
        Assert.False(first.IsDone); // left in the mailbox for the next fetch
        Assert.Contains("could not process this mail", (await _sent.WaitForAsync(alice.Email!)).TextBody, StringComparison.Ordinal);
        Assert.Equal(MailOutcome.Duplicate, (await processor.ProcessAsync(mail, Ct)).Outcome);
        Assert.Single(_sent.To(alice.Email!));
    }

    private Task<MailPostOffice> StartAsync(IFaxDocumentFactory? factory = null) =>
        MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), services =>
        {
            services.AddSingleton<IMailSender>(_sent);
            services.AddSingleton(factory ?? new OnePageFactory());
        });

    private static MimeMessage Load(string headers)
    {
        string pdf = Convert.ToBase64String(MailEndToEndTests.TwoPagePdf(), Base64FormattingOptions.InsertLineBreaks);
        string text = headers + $"To: fax@example.org\r\nMessage-ID: <{Guid.NewGuid():N}@example.org>\r\nMIME-Version: 1.0\r\n" +
            "Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nPlease fax.\r\n" +
            "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=offer.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
            pdf + "\r\n--b--\r\n";
        return MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(text)));
    }

    private static byte[] ZipOfZeros(int size)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            WriteZeros(entry, size);
        }

        return buffer.ToArray();
    }

    private static byte[] GzipOfZeros(int size)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            WriteZeros(gzip, size);
        }

        return buffer.ToArray();
    }

    private static void WriteZeros(Stream stream, int size)
    {
        byte[] zeros = new byte[1024 * 1024];
        for (int written = 0; written < size; written += zeros.Length)
        {
            stream.Write(zeros);
        }
    }

    /// <summary>A document factory with a bug: looking at any document throws.</summary>
    private sealed class CrashingFactory : IFaxDocumentFactory
    {
        public DocumentKind? Detect(ReadOnlySpan<byte> head, string fileName) => throw new InvalidOperationException("factory bug");

        public Task<ConversionResult> ConvertAsync(IReadOnlyList<SourceDocument> documents, ConversionOptions options, string outputPath, CancellationToken ct) =>
            throw new InvalidOperationException("factory bug");

        public Task<int> WithCoverPageAsync(CoverSheet cover, FaxResolution resolution, string bodyPath, string outputPath, CancellationToken ct) =>
            throw new NotSupportedException();
    }
}
