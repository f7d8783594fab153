using System.Text;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Jobs;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>Mail-to-fax decisions on a real post office (SQLite, real converter), with mails captured instead of sent.</summary>
public sealed class MailToFaxProcessorTests
{
    private readonly RecordingMailSender _sent = new();

    [Fact]
    public async Task PinIsRequiredWhenTheUserHasOne()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101", pin: "4711");
        await office.UserAsync("bob", "bob@example.org", "102");
        var processor = office.Get<MailToFaxProcessor>();

        var missing = await processor.ProcessAsync(Mail(alice.Email!, "102"), CancellationToken.None);
        var wrong = await processor.ProcessAsync(Mail(alice.Email!, "102 PIN 5555"), CancellationToken.None);
        var right = await processor.ProcessAsync(Mail(alice.Email!, "102 PIN 4711"), CancellationToken.None);

        Assert.Equal(MailOutcome.Refused, missing.Outcome);
        Assert.Equal(MailOutcome.Refused, wrong.Outcome);
        Assert.Equal(MailOutcome.Submitted, right.Outcome);
        var reply = await _sent.WaitForAsync(alice.Email!);
        Assert.Contains("PIN", reply.TextBody, StringComparison.Ordinal);
        Assert.All(_sent.To(alice.Email!), m => Assert.DoesNotContain("5555", m.Subject, StringComparison.Ordinal));
        Assert.Single(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task ServerWidePinRefusesUsersWithoutOne()
    {
        var options = MailPostOffice.ServerOptions();
        options.RequirePin = true;
        await using var office = await StartAsync(options);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, "0030123456 PIN 1234"), CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, result.Outcome);
        Assert.Contains("has none yet", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ForgedFromIsRefusedWhenOurMailServerMustConfirmIt()
    {
        var options = MailPostOffice.ServerOptions();
        options.TrustedAuthServId = "mx.example.org";
        await using var office = await StartAsync(options, fast: true);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();

        var forged = Mail(alice.Email!, "0030123456");
        forged.Headers.Insert(0, new Header("Authentication-Results", "mx.example.org; dmarc=fail header.from=example.org"));
        Assert.Equal(MailOutcome.Refused, (await processor.ProcessAsync(forged, CancellationToken.None)).Outcome);

        var genuine = Mail(alice.Email!, "0030123456");
        genuine.Headers.Insert(0, new Header("Authentication-Results", "mx.example.org; dkim=pass header.d=example.org"));
        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(genuine, CancellationToken.None)).Outcome);
        Assert.Single(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task SubjectNumbersAreDialledWithTheAccessCodeAndNamesComeFromTheAddressBook()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        await office.Store.AddressBook.SaveContactAsync(new Contact { Name = "Acme Ltd", Company = "Acme", FaxNumber = "+44 20 7946 0000", Email = "office@acme.example" }, CancellationToken.None);

        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, "0030123456; acme ltd"), CancellationToken.None);

        Assert.Equal(MailOutcome.Submitted, result.Outcome);
        var jobs = (await office.JobsOfAsync(alice)).OrderBy(j => j.Id).ToList();
        Assert.Equal(["+4930123456", "+442079460000"], jobs.Select(j => j.DialNumber));
        Assert.Equal("Acme Ltd", jobs[1].RecipientName); // named on its own: faxed, even with an e-mail address
        Assert.Empty(_sent.To("office@acme.example"));
    }

    [Theory]
    [InlineData("Nobody Known", "neither a fax number nor a name")]
    [InlineData("30123456", "access code")]
    [InlineData("Hello, how are you?", "neither a fax number nor a name")]
    [InlineData("", "names no recipient")]
    [InlineData("0 1", "does not exist")]
    [InlineData("0030123456, 00123456789012345678", "more than 15 digits")]
    public async Task BadRecipientsAreRefusedWithTheReason(string subject, string reason)
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, subject), CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, result.Outcome);
        Assert.Contains(reason, result.Detail, StringComparison.Ordinal);
        Assert.Contains(reason, (await _sent.WaitForAsync(alice.Email!)).TextBody, StringComparison.Ordinal);
        Assert.Empty(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task OutboundNumberRestrictionsApplyAndTheReplyNamesTheRule()
    {
        await using var office = await MailPostOffice.StartAsync(
            MailPostOffice.ServerOptions(),
            services =>
            {
                services.AddSingleton<IMailSender>(_sent);
                services.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
            },
            configure: o =>
            {
                o.Dialing.BlockedPrefixes.Add("+49900");
                o.Dialing.TeamRules.Add(new Core.Configuration.TeamDialingRule { Team = "Interns", NationalOnly = true });
            });
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var ida = await office.UserAsync("ida", "ida@example.org", "102");
        await office.Get<Core.Accounts.AccountService>().CreateTeamAsync(Core.Rights.Principal.System, "Interns", null, null, null, [ida.Id], CancellationToken.None);
        var processor = office.Get<MailToFaxProcessor>();

        var premium = await processor.ProcessAsync(Mail(alice.Email!, "00900 1234567"), CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, premium.Outcome);
        Assert.Contains("numbers starting with +49900 may not be faxed", (await _sent.WaitForAsync(alice.Email!)).TextBody, StringComparison.Ordinal);

        var abroad = await processor.ProcessAsync(Mail(ida.Email!, "0 0044 20 7946 0000"), CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, abroad.Outcome);
        Assert.Contains("members of 'Interns' may fax only national numbers", (await _sent.WaitForAsync(ida.Email!)).TextBody, StringComparison.Ordinal);

        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(Mail(ida.Email!, "0030 1234567"), CancellationToken.None)).Outcome);
        Assert.Empty(await office.JobsOfAsync(alice));
        Assert.Equal("+49301234567", Assert.Single(await office.JobsOfAsync(ida)).DialNumber);
    }

    [Fact]
    public async Task RecipientsFromTheAddressLocalPart()
    {
        var options = MailPostOffice.ServerOptions();
        options.Recipients = MailRecipientSource.LocalPart;
        options.FaxDomain = "fax.example.org";
        await using var office = await StartAsync(options);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var mail = Mail(alice.Email!, "our offer");
        mail.To.Clear();
        mail.To.Add(MailboxAddress.Parse("+4930123456@fax.example.org"));
        mail.Cc.Add(MailboxAddress.Parse("0040-1234567@FAX.example.org")); // access code + national number (Hamburg)

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, CancellationToken.None)).Outcome);
        Assert.Equal(["+4930123456", "+49401234567"], (await office.JobsOfAsync(alice)).Select(j => j.DialNumber).Order());
    }

    [Fact]
    public async Task SerialLetterMailsContactsWithAddressesAndFaxesTheOthers()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        long mailed = await office.Store.AddressBook.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Mia Mail", FaxNumber = "+4930111111", Email = "mia@customer.example" }, CancellationToken.None);
        long faxed = await office.Store.AddressBook.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Fritz Fax", FaxNumber = "+4930222222" }, CancellationToken.None);
        await office.Store.AddressBook.SaveListAsync(new DistributionList { OwnerUserId = alice.Id, Name = "Customers", ContactIds = [mailed, faxed] }, CancellationToken.None);

        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, "Customers"), CancellationToken.None);

        Assert.Equal(MailOutcome.Submitted, result.Outcome);
        var job = Assert.Single(await office.JobsOfAsync(alice));
        Assert.Equal("+4930222222", job.DialNumber);
        var letter = await _sent.WaitForAsync("mia@customer.example");
        Assert.Equal("application/pdf", Assert.Single(letter.Attachments.OfType<MimePart>()).ContentType.MimeType);
        Assert.Equal("alice@example.org", letter.ReplyTo.Mailboxes.Single().Address);
        var report = await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Serial letter", StringComparison.Ordinal));
        Assert.Contains("Mia Mail: by e-mail to mia@customer.example: queued for sending", report.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Fritz Fax: by fax to +4930222222: job {job.Id}", report.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SerialLetterEndsWithOneReportOfEveryRecipientsChannelAndResult()
    {
        await using var office = await StartAsync(fast: true);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var book = office.Store.AddressBook;
        long mia = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Mia Mail", FaxNumber = "+4930111111", Email = "mia@customer.example" }, CancellationToken.None);
        long fritz = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Fritz Fax", FaxNumber = "+4930222222" }, CancellationToken.None);
        long fiona = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Fiona Fax", FaxNumber = "+4930333333" }, CancellationToken.None);
        await book.SaveListAsync(new DistributionList { OwnerUserId = alice.Id, Name = "Customers", ContactIds = [mia, fritz, fiona] }, CancellationToken.None);

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, "Customers"), CancellationToken.None)).Outcome);
        var sent = await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Serial letter sent", StringComparison.Ordinal));
        Assert.Contains("When every fax and mail is finished", sent.TextBody, StringComparison.Ordinal);
        var jobs = (await office.JobsOfAsync(alice)).OrderBy(j => j.Id).ToList();
        Assert.Equal(2, jobs.Count);

        await FinishAsync(office, jobs[0], JobState.Done, null);
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(CancellationToken.None), n => n == 0, "outbox empty");
        Assert.DoesNotContain(_sent.To(alice.Email!), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));

        await FinishAsync(office, jobs[1], JobState.Failed, "busy after 3 tries");
        var report = await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        Assert.Equal("Serial letter finished: Customers", report.Subject);
        Assert.Contains("Mia Mail: by e-mail to mia@customer.example: sent", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fritz Fax: by fax to +4930222222: done, 1 of 1 page(s)", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fiona Fax: by fax to +4930333333: failed (busy after 3 tries), 0 of 1 page(s)", report.TextBody, StringComparison.Ordinal);

        // A late event for a finished letter sends nothing more.
        await office.Get<FaxMailer>().JobChangedAsync(jobs[1], "again", CancellationToken.None);
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(CancellationToken.None), n => n == 0, "outbox empty");
        Assert.Single(_sent.To(alice.Email!), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SerialLetterWhoseLastFaxIsStoppedStillGetsItsReport()
    {
        await using var office = await StartAsync(fast: true);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        long mia = await office.Store.AddressBook.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Mia Mail", Email = "mia@customer.example" }, CancellationToken.None);
        long fritz = await office.Store.AddressBook.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Fritz Fax", FaxNumber = "+4930222222" }, CancellationToken.None);
        await office.Store.AddressBook.SaveListAsync(new DistributionList { OwnerUserId = alice.Id, Name = "Customers", ContactIds = [mia, fritz] }, CancellationToken.None);
        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(Mail(alice.Email!, "Customers"), CancellationToken.None)).Outcome);
        var job = Assert.Single(await office.JobsOfAsync(alice));

        var principal = await office.Get<Core.Accounts.AccountService>().PrincipalForAsync(alice.Id, "test", CancellationToken.None);
        await office.Get<JobService>().CancelAsync(principal!, job.Id, CancellationToken.None);

        var report = await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        Assert.Contains("Fritz Fax: by fax to +4930222222: cancelled (stopped by alice)", report.TextBody, StringComparison.Ordinal);
    }

    internal static async Task FinishAsync(MailPostOffice office, FaxJob job, JobState state, string? error)
    {
        var from = job.State;
        job.State = state;
        job.LastError = error;
        job.PagesSent = state == JobState.Done ? job.PageCount : 0;
        job.UpdatedAt = DateTimeOffset.UtcNow;
        job.CompletedAt = job.UpdatedAt;
        Assert.True(await office.Store.Jobs.UpdateAsync(job, state.Describe(), from, CancellationToken.None));
        await office.Get<FaxMailer>().JobChangedAsync(job, state.Describe(), CancellationToken.None);
    }

    [Fact]
    public async Task UnknownTypesHugeAttachmentsAndEmptyMailsAreRefusedByName()
    {
        var options = MailPostOffice.ServerOptions();
        options.MaxDocumentBytes = 64 * 1024;
        await using var office = await StartAsync(options);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();

        var zip = await processor.ProcessAsync(MailWith(alice.Email!, "0030123456", ("bomb.zip", [0x50, 0x4B, 0x03, 0x04, 0, 0, 0, 0], "application/zip")), CancellationToken.None);
        Assert.Contains("bomb.zip (application/zip): this kind of file cannot be faxed", zip.Detail, StringComparison.Ordinal);

        var huge = await processor.ProcessAsync(MailWith(alice.Email!, "0030123456", ("big.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n" + new string('x', 100_000)), "application/pdf")), CancellationToken.None);
        Assert.Contains("larger than", huge.Detail, StringComparison.Ordinal);

        var empty = await processor.ProcessAsync(MailWith(alice.Email!, "0030123456"), CancellationToken.None);
        Assert.Contains("no attachment to fax", empty.Detail, StringComparison.Ordinal);

        var garbage = await processor.ProcessAsync(MailWith(alice.Email!, "0030123456", ("scan.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 this is not a PDF at all"), "application/pdf")), CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, garbage.Outcome); // the converter names the file

        Assert.Empty(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task ADocumentThatCannotBeConvertedGetsOneReplyAndNoFailedNotice()
    {
        await using var office = await StartAsync();
        var alice = await office.UserAsync("alice", "alice@example.org", "101");

        var result = await office.Get<MailToFaxProcessor>().ProcessAsync(
            MailWith(alice.Email!, "0030123456", ("scan.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 this is not a PDF at all"), "application/pdf")),
            CancellationToken.None);

        Assert.Equal(MailOutcome.Refused, result.Outcome);
        var reply = await _sent.WaitForAsync(alice.Email!);
        Assert.StartsWith("Fax not sent", reply.Subject, StringComparison.Ordinal);
        Assert.Contains("scan.pdf", reply.TextBody, StringComparison.Ordinal);
        // Every mail of this submission was queued before ProcessAsync returned: once the outbox is empty, all went out.
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(CancellationToken.None), p => p == 0, "outbox empty");
        Assert.Single(_sent.To(alice.Email!));
        Assert.Empty(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task MailAndAttachmentsFaxesTheHtmlBodyAsText()
    {
        var options = MailPostOffice.ServerOptions();
        options.Content = MailFaxContent.MailAndAttachments;
        await using var office = await StartAsync(options, fast: true);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var mail = Mail(alice.Email!, "0030123456");
        var builder = new BodyBuilder { HtmlBody = "<p>Dear customer,</p><p>our offer.</p>" };
        builder.Attachments.Add("offer.pdf", MailEndToEndTests.TwoPagePdf(), new ContentType("application", "pdf"));
        mail.Body = builder.ToMessageBody();

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, CancellationToken.None)).Outcome);
        var job = Assert.Single(await office.JobsOfAsync(alice));
        var documents = await office.Store.Jobs.DocumentsAsync(job.GroupId, CancellationToken.None);
        Assert.Equal(["mail.txt", "offer.pdf"], documents.OrderBy(d => d.Order).Select(d => d.FileName));
        await using var text = office.Get<Core.Documents.IDocumentStore>().OpenRead(documents.Single(d => d.FileName == "mail.txt").StoredPath);
        Assert.Equal("Dear customer,\n\nour offer.\n", await new StreamReader(text).ReadToEndAsync());
    }

    [Fact]
    public async Task ACrashBetweenSubmitAndDoneDoesNotSendTwice()
    {
        await using var office = await StartAsync(fast: true);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();
        var mail = Mail(alice.Email!, "0030123456");
        string key = MailToFaxProcessor.KeyOf(mail.Headers);

        // Claimed, then the server died before anything was stored: the next fetch submits.
        await office.Store.Mail.SetMessageAsync(key, "claim|" + DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks, DateTimeOffset.UtcNow, CancellationToken.None);
        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(mail, CancellationToken.None)).Outcome);

        // Claimed and stored, but the server died before "done" (and before the mailbox flag): recognised, not resent.
        await office.Store.Mail.SetMessageAsync(key, "claim|" + DateTimeOffset.UtcNow.AddMinutes(-1).UtcTicks, DateTimeOffset.UtcNow, CancellationToken.None);
        var again = await processor.ProcessAsync(mail, CancellationToken.None);
        Assert.Equal(MailOutcome.Duplicate, again.Outcome);
        Assert.Contains("recovered", (await office.Store.Mail.GetMessageAsync(key, CancellationToken.None))?.State, StringComparison.Ordinal);

        Assert.Equal(MailOutcome.Duplicate, (await processor.ProcessAsync(mail, CancellationToken.None)).Outcome);
        Assert.Single(await office.JobsOfAsync(alice));
    }

    [Fact]
    public async Task UnreadableMailsAreAnsweredFromTheirHeadersOrDropped()
    {
        await using var office = await StartAsync(fast: true);
        var processor = office.Get<MailToFaxProcessor>();
        var headers = new HeaderList { { "From", "alice@example.org" }, { "Subject", "0030123456" }, { "Message-ID", "<broken@example.org>" } };

        var answered = await processor.RefuseUnreadableAsync(headers, "Failed to parse message headers", CancellationToken.None);
        Assert.Equal(MailOutcome.Refused, answered.Outcome);
        Assert.Contains("could not be read", (await _sent.WaitForAsync("alice@example.org")).TextBody, StringComparison.Ordinal);

        var nothing = await processor.RefuseUnreadableAsync([], "no headers", CancellationToken.None);
        Assert.Equal(MailOutcome.Discarded, nothing.Outcome);
        Assert.True(nothing.IsDone);
    }

    private Task<MailPostOffice> StartAsync(MailGatewayOptions? options = null, bool fast = false) =>
        MailPostOffice.StartAsync(options, services =>
        {
            services.AddSingleton<IMailSender>(_sent);
            if (fast)
            {
                services.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
            }
        });

    /// <summary>A mail-to-fax message with a two-page PDF attached.</summary>
    internal static MimeMessage Mail(string from, string subject) =>
        MailWith(from, subject, ("offer.pdf", MailEndToEndTests.TwoPagePdf(), "application/pdf"));

    internal static MimeMessage MailWith(string from, string subject, params (string Name, byte[] Content, string Type)[] attachments)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("fax@example.org"));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId("test.example");
        var builder = new BodyBuilder { TextBody = "Please fax." };
        foreach (var (name, content, type) in attachments)
        {
            builder.Attachments.Add(name, content, ContentType.Parse(type));
        }

        message.Body = builder.ToMessageBody();
        return message;
    }
}
