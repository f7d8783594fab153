using FaxPost.Core.AddressBook;
using FaxPost.Core.Accounts;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using FaxPost.Storage;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// Serial letters go out through the durable mail queue only: a restart at any point of the submission
/// loses no letter and sends none twice; the final report is sent once even when several nodes finish the
/// letter together; the letter's faxes get the letter's reports instead of per-job notices.
/// </summary>
public sealed class SerialLetterDurabilityTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly RecordingMailSender _sent = new();

    [Theory]
    [InlineData(false)] // the server died after storing the faxes, before the message was done and the letters queued
    [InlineData(true)] // ... and before the faxes were stored at all (no serial letter mark either)
    public async Task ARestartBeforeTheMessageIsDoneLosesNoLetterAndSendsNoneTwice(bool beforeTheFaxes)
    {
        string directory = NewDirectory();
        var mail = MailToFaxProcessorTests.Mail("alice@example.org", "Customers");
        FaxJob job;
        await using (var office = await StartAsync(directory, out var faults))
        {
            office.KeepDirectory = true;
            var alice = await office.UserAsync("alice", "alice@example.org", "101");
            await CustomersAsync(office, alice);
            faults.FailNext(beforeTheFaxes ? "SetMessageAsync" : "TransitionMessageAsync");

            var crashed = await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct);

            Assert.Equal(1, faults.Failures);
            Assert.Equal(MailOutcome.RetryLater, crashed.Outcome); // the message stays in the mailbox
            Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));
            Assert.Equal(beforeTheFaxes ? 0 : 1, (await office.JobsOfAsync(alice)).Count);
            await Task.Delay(200);
            Assert.Empty(_sent.Sent); // nothing went out directly
        }

        // The next start fetches the same message again.
        await using (var office = await StartAsync(directory, out _))
        {
            office.KeepDirectory = true;
            var alice = (await office.Store.Users.FindByEmailAsync("alice@example.org", Ct))!;
            var again = await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct);
            Assert.Equal(beforeTheFaxes ? MailOutcome.Submitted : MailOutcome.Duplicate, again.Outcome);
            job = Assert.Single(await office.JobsOfAsync(alice));
            await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "letters sent");
            Assert.Equal(MailOutcome.Duplicate, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        }

        // Once more after a restart (the mailbox flag was never set): nothing new.
        await using (var office = await StartAsync(directory, out _))
        {
            Assert.Equal(MailOutcome.Duplicate, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
            await MailToFaxProcessorTests.FinishAsync(office, (await office.Store.Jobs.GetAsync(job.Id, Ct))!, JobState.Done, null);
            var report = await _sent.WaitForAsync("alice@example.org", m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
            Assert.Contains("Mia Mail: by e-mail to mia@customer.example: sent", report.TextBody, StringComparison.Ordinal);
            Assert.Contains("Max Mail: by e-mail to max@customer.example: sent", report.TextBody, StringComparison.Ordinal);
            Assert.Contains("Fritz Fax: by fax to +4930222222: done", report.TextBody, StringComparison.Ordinal);
        }

        Assert.Single(_sent.To("mia@customer.example"));
        Assert.Single(_sent.To("max@customer.example"));
        Assert.Single(_sent.To("alice@example.org"), m => m.Subject!.StartsWith("Serial letter sent", StringComparison.Ordinal));
        Assert.Single(_sent.To("alice@example.org"), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
    }

    [Fact]
    public async Task WhenTheLetterCannotBeMarkedTheSubmissionIsRefusedWholeAndTriedAgain()
    {
        string directory = NewDirectory();
        await using var office = await StartAsync(directory, out var faults);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        await CustomersAsync(office, alice);
        var mail = MailToFaxProcessorTests.Mail(alice.Email!, "Customers");
        faults.FailNext("SetMessageAsync"); // the claim is written (ClaimMessageAsync); marking the stored faxes as a serial letter fails

        Assert.Equal(MailOutcome.RetryLater, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        Assert.Equal(1, faults.Failures);
        Assert.Empty(await office.JobsOfAsync(alice)); // nothing of the submission stays, so nothing is faxed without its letter
        Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        var job = Assert.Single(await office.JobsOfAsync(alice));
        Assert.True(await office.Get<SerialLetterReport>().IsSerialLetterAsync(job.GroupId, Ct));
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "letters sent");
        Assert.Single(_sent.To("mia@customer.example"));
    }

    [Fact]
    public async Task AFailedLetterIsNamedInTheFinalReport()
    {
        var sender = new RefusingSender("mia@customer.example");
        string directory = NewDirectory();
        await using var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s =>
        {
            s.AddSingleton<IMailSender>(sender);
            s.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
        }, directory, runOutbox: false);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        await CustomersAsync(office, alice);
        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);
        Assert.Equal(3, await office.Get<MailOutbox>().SendDueAsync(Ct)); // Mia's letter gets a 550

        var job = Assert.Single(await office.JobsOfAsync(alice));
        await MailToFaxProcessorTests.FinishAsync(office, job, JobState.Failed, "no answer");
        await office.Get<MailOutbox>().SendDueAsync(Ct);
        var report = Assert.Single(sender.Sent, m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        Assert.Contains("Mia Mail: by e-mail to mia@customer.example: failed (the mail server said 550: no such user)", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Max Mail: by e-mail to max@customer.example: sent", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fritz Fax: by fax to +4930222222: failed (no answer)", report.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodesFinishingTheLetterTogetherSendOneReport()
    {
        await using var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s =>
        {
            s.AddSingleton<IMailSender>(_sent);
            s.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
        }, runOutbox: false);
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        await CustomersAsync(office, alice);
        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);
        var job = Assert.Single(await office.JobsOfAsync(alice));
        Assert.Equal(3, await office.Get<MailOutbox>().SendDueAsync(Ct)); // the letters and the first reply: only the fax is left
        int queuedBefore = await office.Get<MailOutbox>().PendingAsync(Ct);

        // The last fax finishes; four nodes (each with its own report service on its own connection) hear of it at once.
        var from = job.State;
        job.State = JobState.Done;
        job.PagesSent = job.PageCount;
        Assert.True(await office.Store.Jobs.UpdateAsync(job, "done", from, Ct));
        var nodes = new List<IPostOfficeStore>();
        try
        {
            var reports = new List<SerialLetterReport>();
            for (int i = 0; i < 4; i++)
            {
                var store = PostOfficeStoreFactory.Create("sqlite", null, office.Directory);
                nodes.Add(store);
                reports.Add(new SerialLetterReport(store, office.Get<MailComposer>(), office.Options, TimeProvider.System));
            }

            var start = new TaskCompletionSource();
            var races = reports.Select(async r =>
            {
                await start.Task;
                return await r.TryReportAsync(job.GroupId, Ct);
            }).ToList();
            start.SetResult();
            Assert.Single(await Task.WhenAll(races), won => won);
        }
        finally
        {
            foreach (var store in nodes)
            {
                if (store is IAsyncDisposable disposable)
                {
                    await disposable.DisposeAsync();
                }
            }
        }

        Assert.Equal(queuedBefore + 1, await office.Get<MailOutbox>().PendingAsync(Ct));
        await office.Get<FaxMailer>().JobChangedAsync(job, "done", Ct); // this node's own event comes late: nothing more
        await office.Get<MailOutbox>().SendDueAsync(Ct);
        Assert.Single(_sent.To(alice.Email!), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ASerialLettersFaxesGetNoPerJobNoticesButOtherFaxesDo()
    {
        var options = MailPostOffice.ServerOptions();
        options.Notify = true;
        await using var office = await MailPostOffice.StartAsync(options, s =>
        {
            s.AddSingleton<IMailSender>(_sent);
            s.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
        });
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        await CustomersAsync(office, alice);
        var processor = office.Get<MailToFaxProcessor>();

        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);
        var letterJob = Assert.Single(await office.JobsOfAsync(alice));
        // Converted while the processor waited: its "queued" event came before the processor returned.
        await MailToFaxProcessorTests.FinishAsync(office, letterJob, JobState.Done, null);
        await _sent.WaitForAsync(alice.Email!, m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));

        // A plain fax of the same sender still gets its notices (so notices are on).
        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "0030123456"), Ct)).Outcome);
        var plain = Assert.Single(await office.JobsOfAsync(alice), j => j.GroupId != letterJob.GroupId);
        await MailToFaxProcessorTests.FinishAsync(office, plain, JobState.Done, null);
        await _sent.WaitForAsync(alice.Email!, m => m.Subject == "Fax to +4930123456: done");
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "outbox empty");

        var toAlice = _sent.To(alice.Email!).Select(m => m.Subject!).ToList();
        Assert.DoesNotContain(toAlice, s => s.StartsWith("Fax to +4930222222", StringComparison.Ordinal) || s.Contains("Fritz", StringComparison.Ordinal));
        Assert.Equal(2, toAlice.Count(s => s.StartsWith("Serial letter", StringComparison.Ordinal)));
        Assert.Contains("Fax to +4930123456: queued", toAlice);
    }

    private static string NewDirectory() => Path.Combine(Path.GetTempPath(), "faxpost-mailtest-" + Guid.NewGuid().ToString("N"));

    private Task<MailPostOffice> StartAsync(string directory, out FaultyStore faults)
    {
        Directory.CreateDirectory(directory);
        var faulty = new FaultyStore(PostOfficeStoreFactory.Create("sqlite", null, directory));
        faults = faulty;
        return MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s =>
        {
            s.AddSingleton<IMailSender>(_sent);
            s.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
            s.AddSingleton(_ => faulty.Store);
        }, directory);
    }

    /// <summary>Alice's list "Customers": two members by mail, one by fax.</summary>
    private static async Task CustomersAsync(MailPostOffice office, User alice)
    {
        var book = office.Store.AddressBook;
        long mia = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Mia Mail", FaxNumber = "+4930111111", Email = "mia@customer.example" }, Ct);
        long max = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Max Mail", Email = "max@customer.example" }, Ct);
        long fritz = await book.SaveContactAsync(new Contact { OwnerUserId = alice.Id, Name = "Fritz Fax", FaxNumber = "+4930222222" }, Ct);
        await book.SaveListAsync(new DistributionList { OwnerUserId = alice.Id, Name = "Customers", ContactIds = [mia, max, fritz] }, Ct);
    }

    /// <summary>Refuses mail to one address for good (550), accepts the rest.</summary>
    private sealed class RefusingSender(string refused) : IMailSender
    {
        public System.Collections.Concurrent.ConcurrentQueue<MimeMessage> Sent { get; } = new();

        public Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            if (message.To.Mailboxes.Any(m => m.Address == refused))
            {
                throw new MailDeliveryException("the mail server said 550: no such user", permanent: true);
            }

            Sent.Enqueue(message);
            return Task.CompletedTask;
        }
    }
}
