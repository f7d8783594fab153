using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>Fax-to-email and notification formats (HTML with the first page inline, TIFF, templates), mails captured.</summary>
public sealed class FaxMailerTests
{
    private readonly RecordingMailSender _sent = new();

    [Fact]
    public async Task InlineFirstPageHtmlWithPdfAndConfiguredTemplate()
    {
        var options = MailPostOffice.ServerOptions();
        options.InlineFirstPage = true;
        options.Templates.FaxSubject = "FAX {CallerNumber} -> {Extension}: {Pages}";
        await using var office = await StartAsync(options);
        var carol = await office.UserAsync("carol", "carol@example.org", "103");

        var fax = await office.Get<FaxIntake>().AcceptAsync(await ArrivedAsync(office, "+49891234103"), CancellationToken.None);

        var mail = await _sent.WaitForAsync(carol.Email!);
        Assert.Equal("FAX +4930999 -> 103: 2", mail.Subject);
        Assert.Contains("Sender ID: +49 30 999", mail.TextBody, StringComparison.Ordinal);
        var image = Assert.Single(mail.BodyParts.OfType<MimePart>(), p => p.ContentType.IsMimeType("image", "png"));
        Assert.Contains($"cid:{image.ContentId}", mail.HtmlBody, StringComparison.Ordinal);
        using (var png = new MemoryStream())
        {
            image.Content!.DecodeTo(png);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png.ToArray()[..4]);
        }

        Assert.Equal($"fax-{fax.Id}-{fax.ReceivedAt:yyyyMMdd-HHmmss}.pdf", Assert.Single(mail.Attachments.OfType<MimePart>()).FileName);
        await MailPostOffice.WaitForAsync(() => office.Store.Inbound.EventsAsync(fax.Id, CancellationToken.None), e => e.Any(x => x.Kind == "mailed"), "mailed event");
    }

    [Fact]
    public async Task TiffFormatAttachesTheFaxFileAsReceived()
    {
        var options = MailPostOffice.ServerOptions();
        options.FaxFormat = FaxMailFormat.Tiff;
        await using var office = await StartAsync(options);
        var carol = await office.UserAsync("carol", "carol@example.org", "103");
        var arrived = await ArrivedAsync(office, "+49891234103");
        await office.Get<FaxIntake>().AcceptAsync(arrived, CancellationToken.None);

        var attachment = Assert.Single((await _sent.WaitForAsync(carol.Email!)).Attachments.OfType<MimePart>());
        Assert.Equal("image/tiff", attachment.ContentType.MimeType);
        using var tiff = new MemoryStream();
        attachment.Content!.DecodeTo(tiff);
        Assert.Equal(await File.ReadAllBytesAsync(office.Get<Core.Documents.IDocumentStore>().FullPath(arrived.Document)), tiff.ToArray());
    }

    [Fact]
    public async Task UnmailedFaxesAreMailedAfterARestartAndMailboxesWithoutAddressAreLeftAlone()
    {
        await using var office = await StartAsync(MailPostOffice.ServerOptions());
        var carol = await office.UserAsync("carol", "carol@example.org", "103");
        var quiet = await office.Get<AccountService>().CreateUserAsync(Principal.System, new NewUser("quiet", "quiet", null, "password-quiet", Role.None, "104"), CancellationToken.None);

        // Stored as if the server stopped before the observer ran.
        var arrived = await ArrivedAsync(office, "+49891234103");
        var mailbox = await office.Get<AccountService>().PersonalMailboxAsync(carol.Id, CancellationToken.None);
        long id = await office.Store.Inbound.AddAsync(new InboundFax { MailboxId = mailbox!.Id, Document = arrived.Document, Pages = 2, ReceivedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow }, "routed", CancellationToken.None);
        await office.Get<FaxIntake>().AcceptAsync(await ArrivedAsync(office, "+49891234104"), CancellationToken.None);

        Assert.Equal(1, await office.Get<FaxMailer>().ResendPendingAsync(CancellationToken.None));
        await _sent.WaitForAsync(carol.Email!);
        await MailPostOffice.WaitForAsync(() => office.Store.Inbound.GetAsync(id, CancellationToken.None), f => f!.State == InboundState.Delivered, "delivered");
        Assert.Single(_sent.Sent);
        Assert.Equal(0, await office.Get<FaxMailer>().ResendPendingAsync(CancellationToken.None));
        Assert.NotNull(quiet);
    }

    [Fact]
    public async Task NotificationsFollowUserPreferencesAndTheJobNotifyAddress()
    {
        await using var office = await StartAsync(MailPostOffice.ServerOptions());
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var mailer = office.Get<FaxMailer>();
        var job = new FaxJob { Id = 7, SubmittedBy = alice.Id, Destination = "0030123456", DialNumber = "+4930123456", State = JobState.WaitingToRetry, Tries = 1, MaxTries = 3, PageCount = 2 };

        await mailer.JobChangedAsync(job, "try 1 failed (busy)", CancellationToken.None);
        var retry = await _sent.WaitForAsync(alice.Email!);
        Assert.Equal("Fax to 0030123456: waiting to retry", retry.Subject);
        Assert.Contains("try 1 failed (busy)", retry.TextBody, StringComparison.Ordinal);

        await office.Get<NotificationPreferences>().SetAsync(alice.Id, NotifyLevel.Final, NotifyFormat.Html, CancellationToken.None);
        await mailer.JobChangedAsync(job, "try 2 failed (busy)", CancellationToken.None);
        job.State = JobState.Failed;
        job.NotifyAddress = "boss@example.org";
        await mailer.JobChangedAsync(job, "failed after 3 tries: busy", CancellationToken.None);
        var failed = await _sent.WaitForAsync("boss@example.org");
        Assert.NotNull(failed.HtmlBody);
        Assert.Single(_sent.To(alice.Email!)); // the second retry was not mailed (final only)

        await office.Get<NotificationPreferences>().SetAsync(alice.Id, NotifyLevel.Off, NotifyFormat.Default, CancellationToken.None);
        job.State = JobState.Done;
        await mailer.JobChangedAsync(job, "sent", CancellationToken.None);
        await Task.Delay(300);
        Assert.Equal(2, _sent.Sent.Count);
    }

    private Task<MailPostOffice> StartAsync(MailGatewayOptions options) =>
        MailPostOffice.StartAsync(options, services => services.AddSingleton<IMailSender>(_sent));

    internal static async Task<ArrivedFax> ArrivedAsync(MailPostOffice office, string dialled)
    {
        var documents = office.Get<Core.Documents.IDocumentStore>();
        var file = documents.Create("inbound", "tif");
        string source = Path.Combine(office.Directory, $"in-{Guid.NewGuid():N}.pdf");
        await File.WriteAllBytesAsync(source, MailEndToEndTests.TwoPagePdf());
        var result = await new ImagingFaxDocumentFactory().ConvertAsync([new Imaging.Conversion.SourceDocument("in.pdf", source)], new Imaging.Conversion.ConversionOptions(), file.FullPath, CancellationToken.None);
        return new ArrivedFax(file.RelativePath, result.PageCount, "+4930999", "+49 30 999", dialled, null, false, "test", TimeSpan.FromSeconds(40));
    }
}
