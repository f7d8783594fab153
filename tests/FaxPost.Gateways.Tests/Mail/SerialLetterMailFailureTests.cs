using FaxPost.Core.Accounts;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Jobs;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// A serial letter's mails that fail for good are reported to the sender, through the real SMTP test server
/// (scripts/lib/smtp_sink.py refuses every "reject*" recipient with 550): the letter's final report goes out
/// once its last fax or mail is finished, once across nodes, listing every member's result.
/// </summary>
[Collection("mail servers")]
public sealed class SerialLetterMailFailureTests : IAsyncLifetime
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public Task InitializeAsync()
    {
        MailServers.EnsureRunning();
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task ALetterWithoutFaxesWhoseMailIsRefusedForGoodIsReportedOnce()
    {
        await using var office = await MailPostOffice.StartAsync();
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        var (kept, refused) = (MailPostOffice.Address("member"), MailPostOffice.Address("reject"));
        await ListAsync(office, alice, ("Mia Mail", kept, null), ("Rita Reject", refused, null));

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);

        var mails = await MailServers.WaitForMailAsync(alice.Email!, 2, "first reply and report");
        var first = Assert.Single(mails, m => m.Subject!.StartsWith("Serial letter sent", StringComparison.Ordinal));
        Assert.Contains("If a mail cannot be delivered, a report", first.TextBody, StringComparison.Ordinal);
        var report = Assert.Single(mails, m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        Assert.Contains($"Mia Mail: by e-mail to {kept}: sent", report.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Rita Reject: by e-mail to {refused}: failed (the mail server said 550", report.TextBody, StringComparison.Ordinal);
        Assert.Single(MailServers.Received(kept));
        Assert.Empty(MailServers.Received(refused));

        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "outbox empty");
        Assert.Equal(2, MailServers.Received(alice.Email!).Count); // one report, no more
    }

    [Fact]
    public async Task ALetterWithoutFaxesWhoseMailsAllGoOutNeedsNoSecondMail()
    {
        await using var office = await MailPostOffice.StartAsync();
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        var (mia, max) = (MailPostOffice.Address("mia"), MailPostOffice.Address("max"));
        await ListAsync(office, alice, ("Mia Mail", mia, null), ("Max Mail", max, null));
        var mail = MailToFaxProcessorTests.Mail(alice.Email!, "Customers");

        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        await MailServers.WaitForMailAsync(mia, what: "letter");
        await MailServers.WaitForMailAsync(max, what: "letter");
        await MailPostOffice.WaitForAsync(() => office.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "outbox empty");

        string letterKey = SerialLetterReport.LetterKey(null, MailToFaxProcessor.KeyOf(mail.Headers));
        Assert.Equal("done|sent", (await office.Store.Mail.GetMessageAsync(letterKey, Ct))?.State); // finished, nothing to report
        Assert.StartsWith("Serial letter sent", Assert.Single(MailServers.Received(alice.Email!)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALetterWhoseMailFailsAfterItsLastFaxIsReportedWhenTheMailIsGivenUp()
    {
        await using var office = await MailPostOffice.StartAsync(runOutbox: false);
        var alice = await office.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        var (kept, refused) = (MailPostOffice.Address("member"), MailPostOffice.Address("reject"));
        await ListAsync(office, alice, ("Mia Mail", kept, null), ("Rita Reject", refused, null), ("Fritz Fax", null, "+4930222222"));
        Assert.Equal(MailOutcome.Submitted, (await office.Get<MailToFaxProcessor>().ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);
        var outbox = office.Get<MailOutbox>();
        int queued = await outbox.PendingAsync(Ct); // the first reply and two letters

        // The fax finishes first: the letter's mails are still to be sent, so no report yet.
        long jobId = Assert.Single(await office.JobsOfAsync(alice)).Id;
        var job = (await MailPostOffice.WaitForAsync(() => office.Store.Jobs.GetAsync(jobId, Ct), j => j!.State == JobState.Queued, "fax converted and queued"))!;
        await MailToFaxProcessorTests.FinishAsync(office, job, JobState.Done, null);
        Assert.Equal(queued, await outbox.PendingAsync(Ct));

        // The outbox gives Rita's letter up (550) and sends Mia's: the last part is finished, the report is queued and sent.
        Assert.Equal(queued + 1, await outbox.SendDueAsync(Ct)); // the queued mails, then the report queued meanwhile
        Assert.Equal(0, await outbox.PendingAsync(Ct));
        var report = Assert.Single(MailServers.Received(alice.Email!), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        Assert.Contains($"Mia Mail: by e-mail to {kept}: sent", report.TextBody, StringComparison.Ordinal);
        Assert.Contains($"Rita Reject: by e-mail to {refused}: failed (the mail server said 550", report.TextBody, StringComparison.Ordinal);
        Assert.Contains("Fritz Fax: by fax to +4930222222: done", report.TextBody, StringComparison.Ordinal);

        // A late event for the finished fax sends nothing more.
        await office.Get<FaxMailer>().JobChangedAsync(job, "again", Ct);
        Assert.Equal(0, await outbox.PendingAsync(Ct));
    }

    [Fact]
    public async Task TwoNodesGivingUpALettersMailsAtOnceSendOneReport()
    {
        await using var a = await MailPostOffice.StartAsync(runOutbox: false);
        await using var b = await MailPostOffice.StartAsync(directory: a.Directory, runOutbox: false);
        b.KeepDirectory = true;
        var alice = await a.UserAsync("alice", MailPostOffice.Address("alice"), "101");
        var members = Enumerable.Range(0, 6).Select(i => ($"Member {i}", (string?)MailPostOffice.Address(i % 2 == 0 ? "reject" : "member"), (string?)null)).ToArray();
        await ListAsync(a, alice, members);
        Assert.Equal(MailOutcome.Submitted, (await a.Get<MailToFaxProcessor>().ProcessAsync(MailToFaxProcessorTests.Mail(alice.Email!, "Customers"), Ct)).Outcome);

        // Both nodes' outboxes work through the letter at once, each leasing mails for itself, until the queue is empty.
        for (int round = 0; round < 10 && await a.Get<MailOutbox>().PendingAsync(Ct) > 0; round++)
        {
            var start = new TaskCompletionSource();
            var passes = new[] { a, b }.Select(async node =>
            {
                await start.Task;
                return await node.Get<MailOutbox>().SendDueAsync(Ct);
            }).ToList();
            start.SetResult();
            await Task.WhenAll(passes);
        }

        Assert.Equal(0, await a.Get<MailOutbox>().PendingAsync(Ct));
        var report = Assert.Single(MailServers.Received(alice.Email!), m => m.Subject!.StartsWith("Serial letter finished", StringComparison.Ordinal));
        foreach (var (name, address, _) in members)
        {
            Assert.Contains(address!.StartsWith("reject", StringComparison.Ordinal) ? $"{name}: by e-mail to {address}: failed" : $"{name}: by e-mail to {address}: sent", report.TextBody, StringComparison.Ordinal);
        }
    }

    /// <summary>A distribution list "Customers" of <paramref name="user"/> with these members (name, e-mail, fax number).</summary>
    private static async Task ListAsync(MailPostOffice office, User user, params (string Name, string? Email, string? Fax)[] members)
    {
        var ids = new List<long>();
        foreach (var (name, email, fax) in members)
        {
            ids.Add(await office.Store.AddressBook.SaveContactAsync(new Contact { OwnerUserId = user.Id, Name = name, Email = email, FaxNumber = fax }, Ct));
        }

        await office.Store.AddressBook.SaveListAsync(new DistributionList { OwnerUserId = user.Id, Name = "Customers", ContactIds = ids }, Ct);
    }
}
