using FaxPost.Core.Jobs;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>Records of handled mail-to-fax messages (Message-ID deduplication) expire when a message has not been seen for the retention time.</summary>
public sealed class MessageRecordTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task RecordsOfMessagesNotSeenForTheRetentionAreForgottenAndSeenOnesAreRenewed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var options = MailPostOffice.ServerOptions();
        options.MessageRecordRetention = TimeSpan.FromDays(90);
        await using var office = await MailPostOffice.StartAsync(options, s =>
        {
            s.AddSingleton<IMailSender>(new RecordingMailSender());
            s.AddSingleton<IFaxDocumentFactory, OnePageFactory>();
            s.AddSingleton<TimeProvider>(time);
        });
        var alice = await office.UserAsync("alice", "alice@example.org", "101");
        var processor = office.Get<MailToFaxProcessor>();
        var kept = MailToFaxProcessorTests.Mail(alice.Email!, "0030123456"); // still in a POP3 mailbox (keep mode)
        var gone = MailToFaxProcessorTests.Mail(alice.Email!, "0030123457"); // removed from the mailbox
        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(kept, Ct)).Outcome);
        Assert.Equal(MailOutcome.Submitted, (await processor.ProcessAsync(gone, Ct)).Outcome);

        time.Advance(TimeSpan.FromDays(80));
        Assert.Equal(0, await processor.ForgetOldMessagesAsync(Ct));
        Assert.True(await processor.IsDoneAsync(kept.Headers, Ct)); // the POP3 poll sees it: renewed

        time.Advance(TimeSpan.FromDays(20));
        Assert.Equal(1, await processor.ForgetOldMessagesAsync(Ct));
        Assert.True(await processor.IsDoneAsync(kept.Headers, Ct));
        Assert.False(await processor.IsDoneAsync(gone.Headers, Ct));
        Assert.Equal(MailOutcome.Duplicate, (await processor.ProcessAsync(kept, Ct)).Outcome);
        Assert.Equal(2, (await office.JobsOfAsync(alice)).Count);
    }

    [Fact]
    public void RetentionShorterThanADayIsRefused()
    {
        var options = MailPostOffice.ServerOptions();
        options.MessageRecordRetention = TimeSpan.FromHours(1);
        Assert.Contains(options.Validate(), e => e.Contains("MessageRecordRetention", StringComparison.Ordinal));
    }
}
