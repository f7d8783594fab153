using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using FaxPost.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// The message claim between two nodes on one database (a fake clock for the lease): a node that crashed
/// after storing a message's fax keeps the other away until its lease ends; then the other takes the
/// message over through the crash recovery and finishes it without a second fax.
/// </summary>
public sealed class MessageClaimTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task AfterTheLeaseOfACrashedNodeAnotherFinishesItsMessageWithoutASecondFax()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        string directory = Path.Combine(Path.GetTempPath(), "faxpost-mailtest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var faulty = new FaultyStore(PostOfficeStoreFactory.Create("sqlite", null, directory));
        var optionsA = MailPostOffice.ServerOptions();
        optionsA.NodeName = "a";
        await using var a = await MailPostOffice.StartAsync(optionsA, s =>
        {
            s.AddSingleton(_ => faulty.Store);
            s.AddSingleton<TimeProvider>(time);
        }, directory, runOutbox: false);
        var optionsB = MailPostOffice.ServerOptions();
        optionsB.NodeName = "b";
        await using var b = await MailPostOffice.StartAsync(optionsB, s => s.AddSingleton<TimeProvider>(time), directory, runOutbox: false);
        b.KeepDirectory = true;
        var alice = await a.UserAsync("alice", "alice@example.org", "101");
        var mail = MailToFaxProcessorTests.Mail(alice.Email!, "0030123456");

        // Node a claims the message and stores its fax, then dies before "done" (and before removing it from the mailbox).
        faulty.FailNext("TransitionMessageAsync");
        Assert.Equal(MailOutcome.RetryLater, (await a.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        Assert.Equal(1, faulty.Failures);
        Assert.Single(await a.JobsOfAsync(alice));

        // Node b fetches the same message while a's lease runs: it leaves the message alone.
        time.Advance(optionsA.MessageClaimLease - TimeSpan.FromSeconds(1));
        var early = await b.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct);
        Assert.Equal(MailOutcome.RetryLater, early.Outcome);
        Assert.Contains("node a", early.Detail, StringComparison.Ordinal);

        // The lease has ended: b takes over, finds the fax a stored, and finishes the message with it.
        time.Advance(TimeSpan.FromSeconds(1));
        var taken = await b.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct);
        Assert.Equal(MailOutcome.Duplicate, taken.Outcome);
        Assert.Contains("recovered", taken.Detail, StringComparison.Ordinal);
        Assert.Single(await b.JobsOfAsync(alice));

        // Node a, back, sees the message done.
        Assert.Equal(MailOutcome.Duplicate, (await a.Get<MailToFaxProcessor>().ProcessAsync(mail, Ct)).Outcome);
        Assert.Single(await a.JobsOfAsync(alice));
    }
}
