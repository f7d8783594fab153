using System.Diagnostics;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

[CollectionDefinition("mail servers", DisableParallelization = true)]
public sealed class MailServerCollection;

/// <summary>Mail-to-fax and fax-to-email against the real Dovecot (IMAP, POP3) and SMTP servers of the test script.</summary>
[Collection("mail servers")]
public sealed class MailEndToEndTests : IAsyncLifetime
{
    public async Task InitializeAsync()
    {
        MailServers.EnsureRunning();
        await MailServers.EmptyInboxAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task MailWithPdfBecomesDeliveredInternalFaxMailedAsPdfAndNotification()
    {
        await using var office = await MailPostOffice.StartAsync();
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        var bob = await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");

        await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("offer.pdf", TwoPagePdf())));
        int done = await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None);
        Assert.Equal(1, done);
        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count); // removed once queued

        var job = Assert.Single(await office.JobsOfAsync(alice));
        Assert.True(job.IsInternal);
        job = await MailPostOffice.WaitForAsync(() => office.Store.Jobs.GetAsync(job.Id, CancellationToken.None), j => j!.State == JobState.Done, "job done");
        Assert.Equal(2, job!.PageCount);

        // Fax-to-email: bob's mailbox gets the fax as a PDF that pdfinfo reads with the right page count.
        var faxMail = Assert.Single(await MailServers.WaitForMailAsync(bob.Email!, what: "fax mail"));
        Assert.Contains("2 page(s)", faxMail.Subject, StringComparison.Ordinal);
        Assert.Equal("auto-generated", faxMail.Headers[HeaderId.AutoSubmitted]);
        var pdf = Assert.Single(faxMail.Attachments.OfType<MimePart>());
        Assert.Equal("application/pdf", pdf.ContentType.MimeType);
        Assert.Equal(2, PdfPages(pdf));
        var fax = Assert.Single(await office.Store.Inbound.QueryAsync(new Core.Storage.InboundQuery(), CancellationToken.None));
        await MailPostOffice.WaitForAsync(() => office.Store.Inbound.GetAsync(fax.Id, CancellationToken.None), f => f!.State == InboundState.Delivered, "fax marked delivered");

        // Notifications to the submitter: queued, then done.
        var notices = await MailServers.WaitForMailAsync(alice.Email!, 2, "queued and done notices");
        Assert.Contains(notices, m => m.Subject!.EndsWith(": queued", StringComparison.Ordinal));
        Assert.Contains(notices, m => m.Subject!.EndsWith(": done", StringComparison.Ordinal) && m.TextBody!.Contains("Transmission report", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MailFromUnknownSenderIsRefusedByReply()
    {
        await using var office = await MailPostOffice.StartAsync();
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        string stranger = MailPostOffice.Address("stranger");

        await MailServers.AppendAsync(FaxMail(stranger, "0030123456", ("offer.pdf", TwoPagePdf())));
        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));

        var reply = Assert.Single(await MailServers.WaitForMailAsync(stranger, what: "refusal"));
        Assert.StartsWith("Fax not sent", reply.Subject, StringComparison.Ordinal);
        Assert.Contains("may not send faxes", reply.TextBody, StringComparison.Ordinal);
        Assert.Equal("auto-replied", reply.Headers[HeaderId.AutoSubmitted]);
        Assert.Empty(await office.JobsOfAsync(alice));
        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
    }

    [Fact]
    public async Task OversizedMailIsRefusedFromItsHeadersWithoutDownload()
    {
        var options = MailPostOffice.ServerOptions();
        options.MaxMessageBytes = 2048;
        await using var office = await MailPostOffice.StartAsync(options);
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");

        await MailServers.AppendAsync(FaxMail(alice.Email!, "0030123456", ("offer.pdf", TwoPagePdf())));
        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));

        var reply = Assert.Single(await MailServers.WaitForMailAsync(alice.Email!, what: "size refusal"));
        Assert.Contains("takes mails up to", reply.TextBody, StringComparison.Ordinal);
        Assert.Empty(await office.JobsOfAsync(alice));
        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
    }

    [Fact]
    public async Task BouncesAreDiscardedWithoutReply()
    {
        await using var office = await MailPostOffice.StartAsync();
        string daemon = MailPostOffice.Address("mailer-daemon");
        var bounce = FaxMail(daemon, "Undelivered Mail Returned to Sender");
        bounce.Headers.Add(HeaderId.AutoSubmitted, "auto-replied");
        await MailServers.AppendAsync(bounce);

        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));
        await Task.Delay(500); // give a wrong reply time to show up
        Assert.Empty(MailServers.Received(daemon));
        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
    }

    [Fact]
    public async Task ImapKeepsMessagesFlaggedAndNeverSendsTwice()
    {
        var options = MailPostOffice.ServerOptions();
        options.DeleteFetched = false;
        await using var office = await MailPostOffice.StartAsync(options);
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");

        await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf())));
        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));
        Assert.Equal((1, 1), await MailServers.InboxAsync(MailFetcher.DoneKeyword));
        Assert.Equal(0, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));

        // The same mail delivered again (same Message-ID, e.g. a resent copy) is not faxed twice.
        var again = FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf()));
        again.MessageId = (await FirstMessageIdAsync())!;
        await MailServers.AppendAsync(again);
        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));
        Assert.Single(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task Pop3OverTlsFetchesAndDeletesAndKeepModeSkipsDoneMessages()
    {
        var options = MailPostOffice.ServerOptions();
        options.Protocol = MailFetchProtocol.Pop3;
        options.Fetch.Port = MailServers.Pop3s;
        options.Fetch.Security = MailSecurity.Tls;
        options.DeleteFetched = false;
        await using var office = await MailPostOffice.StartAsync(options);
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");

        await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf())));
        Assert.Equal(1, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));
        Assert.Equal(0, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None)); // kept, known as done
        Assert.Equal(1, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
        Assert.Single(await office.JobsOfAsync(alice));

        options.DeleteFetched = true;
        await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("b.pdf", TwoPagePdf())));
        Assert.Equal(2, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None)); // the old one is a duplicate, both go
        Assert.Equal(0, (await MailServers.InboxAsync(MailFetcher.DoneKeyword)).Count);
        Assert.Equal(2, (await office.JobsOfAsync(alice)).Count);
    }

    [Fact]
    public async Task InvalidCertificatesAreRefusedUnlessConfigured()
    {
        var options = MailPostOffice.ServerOptions();
        options.Fetch.Port = MailServers.Imaps;
        options.Fetch.Security = MailSecurity.Tls;
        options.Fetch.IgnoreInvalidCertificates = false;
        await using var office = await MailPostOffice.StartAsync(options);
        await Assert.ThrowsAsync<MailKit.Security.SslHandshakeException>(() => office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));

        options.Fetch.IgnoreInvalidCertificates = true;
        Assert.Equal(0, await office.Get<MailFetcher>().FetchOnceAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RunLoopPicksUpNewMailWithIdle()
    {
        await using var office = await MailPostOffice.StartAsync();
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");
        using var stop = new CancellationTokenSource();
        var loop = office.Get<MailFetcher>().RunAsync(stop.Token);
        try
        {
            await Task.Delay(500); // connected and idling (not asserted; a late start only means the first drain finds it)
            await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf())));
            await MailPostOffice.WaitForAsync(() => office.JobsOfAsync(alice), jobs => jobs.Count == 1, "job from the run loop");
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }
    }

    [Fact]
    public async Task HostedServiceRunsThePop3PollLoop()
    {
        var options = MailPostOffice.ServerOptions();
        options.Protocol = MailFetchProtocol.Pop3;
        options.Fetch.Port = MailServers.Pop3;
        options.Fetch.Security = MailSecurity.StartTls;
        options.PollInterval = TimeSpan.FromSeconds(1);
        await using var office = await MailPostOffice.StartAsync(options);
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");
        var hosted = Assert.Single(office.Get<IEnumerable<Microsoft.Extensions.Hosting.IHostedService>>());
        await hosted.StartAsync(CancellationToken.None);
        try
        {
            await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf())));
            await MailPostOffice.WaitForAsync(() => office.JobsOfAsync(alice), jobs => jobs.Count == 1, "job from the POP3 poll loop");
            await MailPostOffice.WaitForAsync(() => MailServers.InboxAsync(MailFetcher.DoneKeyword), inbox => inbox.Count == 0, "message deleted by POP3");
        }
        finally
        {
            await hosted.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task IdleOutlastsTheReadTimeout()
    {
        var options = MailPostOffice.ServerOptions();
        options.Fetch.Timeout = TimeSpan.FromSeconds(1);
        options.PollInterval = TimeSpan.FromSeconds(10);
        var logs = new CapturingLoggerProvider();
        await using var office = await MailPostOffice.StartAsync(options, services => services.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs));
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        await office.UserAsync("bob", MailPostOffice.Address("bob"), "102");
        using var stop = new CancellationTokenSource();
        var loop = office.Get<MailFetcher>().RunAsync(stop.Token);
        try
        {
            await Task.Delay(3000); // idling three times as long as the read timeout
            await MailServers.AppendAsync(FaxMail(alice.Email!, "102", ("a.pdf", TwoPagePdf())));
            await MailPostOffice.WaitForAsync(() => office.JobsOfAsync(alice), jobs => jobs.Count == 1, "job from the idling loop");
        }
        finally
        {
            await stop.CancelAsync();
            await loop;
        }

        Assert.DoesNotContain(logs.Entries, e => e.EventId == 6401);
    }

    [Fact]
    public async Task ReceivedFaxForPrivacyMailboxIsANoticeWithoutPages()
    {
        var options = MailPostOffice.ServerOptions();
        options.WebInboxUrl = "https://fax.example.org/inbox";
        await using var office = await MailPostOffice.StartAsync(options);
        var carol = await office.UserAsync("carol", MailPostOffice.Address("carol"), "103");
        var mailbox = await office.Get<Core.Accounts.AccountService>().PersonalMailboxAsync(carol.Id, CancellationToken.None);
        await office.Get<Core.Accounts.AccountService>().UpdateMailboxAsync(Core.Rights.Principal.System, mailbox!.Id, null, null, null, null, mailPages: false, CancellationToken.None);

        var fax = await office.Get<FaxIntake>().AcceptAsync(await ArrivedAsync(office, "+49891234103"), CancellationToken.None);
        var mail = Assert.Single(await MailServers.WaitForMailAsync(carol.Email!, what: "notice"));
        Assert.Empty(mail.Attachments);
        Assert.Contains($"https://fax.example.org/inbox/faxes/{fax.Id}", mail.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PermanentSmtpFailurePutsFaxInPostOfficeQueueAndTemporaryOneIsRetried()
    {
        await using var office = await MailPostOffice.StartAsync();
        var dave = await office.UserAsync("dave", MailPostOffice.Address("reject"), "104");
        var erin = await office.UserAsync("erin", MailPostOffice.Address("flaky"), "105");

        var lost = await office.Get<FaxIntake>().AcceptAsync(await ArrivedAsync(office, "+49891234104"), CancellationToken.None);
        var late = await office.Get<FaxIntake>().AcceptAsync(await ArrivedAsync(office, "+49891234105"), CancellationToken.None);

        var failed = await MailPostOffice.WaitForAsync(() => office.Store.Inbound.GetAsync(lost.Id, CancellationToken.None), f => f!.State != InboundState.Routed, "permanent failure");
        Assert.Equal(InboundState.Unroutable, failed!.State);
        Assert.Equal(UnroutableReason.DeliveryFailed, failed.Reason);
        Assert.Contains(await office.Store.Inbound.QueryAsync(new Core.Storage.InboundQuery(Unroutable: true), CancellationToken.None), f => f.Id == lost.Id);

        Assert.Single(await MailServers.WaitForMailAsync(erin.Email!, what: "mail after a 451"));
        await MailPostOffice.WaitForAsync(() => office.Store.Inbound.GetAsync(late.Id, CancellationToken.None), f => f!.State == InboundState.Delivered, "delivered after retry");
        Assert.Empty(MailServers.Received(dave.Email!));
    }

    private static async Task<ArrivedFax> ArrivedAsync(MailPostOffice office, string dialled)
    {
        // Real fax pages: the PDF converted by the real converter into TIFF-F.
        var documents = office.Get<Core.Documents.IDocumentStore>();
        var file = documents.Create("inbound", "tif");
        string source = Path.Combine(office.Directory, "in.pdf");
        await File.WriteAllBytesAsync(source, TwoPagePdf());
        var result = await new ImagingFaxDocumentFactory().ConvertAsync([new Imaging.Conversion.SourceDocument("in.pdf", source)], new Imaging.Conversion.ConversionOptions(), file.FullPath, CancellationToken.None);
        return new ArrivedFax(file.RelativePath, result.PageCount, "+4930999", "+49 30 999", dialled, null, false, "test", TimeSpan.FromSeconds(40));
    }

    internal static MimeMessage FaxMail(string from, string subject, params (string Name, byte[] Content)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("fax@example.org"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example");
        var builder = new BodyBuilder { TextBody = "Please fax the attachment." };
        foreach (var (name, content) in attachments)
        {
            builder.Attachments.Add(name, content, new ContentType("application", "pdf"));
        }

        message.Body = builder.ToMessageBody();
        return message;
    }

    internal static byte[] TwoPagePdf() => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", "two-pages.pdf"));

    private static async Task<string?> FirstMessageIdAsync()
    {
        using var client = new MailKit.Net.Imap.ImapClient { ServerCertificateValidationCallback = (_, _, _, _) => true };
        await client.ConnectAsync(MailServers.Host, MailServers.Imap, MailKit.Security.SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(MailServers.User, MailServers.Password);
        await client.Inbox.OpenAsync(MailKit.FolderAccess.ReadOnly);
        var message = await client.Inbox.GetMessageAsync(0);
        await client.DisconnectAsync(true);
        return message.MessageId;
    }

    /// <summary>Pages of a PDF as poppler's pdfinfo reads them.</summary>
    private static int PdfPages(MimePart part)
    {
        string path = Path.Combine(Path.GetTempPath(), $"faxpost-mail-{Guid.NewGuid():N}.pdf");
        using (var file = File.Create(path))
        {
            part.Content!.DecodeTo(file);
        }

        try
        {
            var info = Process.Start(new ProcessStartInfo("pdfinfo", [path]) { RedirectStandardOutput = true, RedirectStandardError = true })
                ?? throw new InvalidOperationException("pdfinfo (poppler-utils) is not installed.");
            string output = info.StandardOutput.ReadToEnd();
            string errors = info.StandardError.ReadToEnd();
            info.WaitForExit();
            Assert.True(info.ExitCode == 0, $"pdfinfo failed: {errors}");
            string line = output.Split('\n').Single(l => l.StartsWith("Pages:", StringComparison.Ordinal));
            return int.Parse(line["Pages:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
