using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;
using FaxPost.Gateways.Mail;
using FaxPost.Gateways.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Gateways.Tests.Mail;

/// <summary>
/// The outgoing mail queue is durable (in the post office store): a restart loses no fax-to-email
/// delivery or notification; temporary SMTP failures are retried with a growing pause; a permanent
/// failure (or too many temporary ones) puts the received fax in the fax post office queue.
/// </summary>
public sealed class MailOutboxTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    [Fact]
    public async Task QueuedMailsSurviveARestartAndAreSentOnce()
    {
        var before = new ScriptedMailSender();
        var after = new ScriptedMailSender();
        string directory;
        long faxId;
        await using (var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s => s.AddSingleton<IMailSender>(before), runOutbox: false))
        {
            office.KeepDirectory = true;
            directory = office.Directory;
            var carol = await office.UserAsync("carol", "carol@example.org", "103");
            faxId = (await office.Get<FaxIntake>().AcceptAsync(await FaxMailerTests.ArrivedAsync(office, "+49891234103"), Ct)).Id;
            await office.Get<FaxMailer>().JobChangedAsync(new FaxJob { Id = 9, SubmittedBy = carol.Id, Destination = "030 123", DialNumber = "+4930123", State = JobState.Done, PageCount = 1, PagesSent = 1 }, "sent", Ct);
            Assert.Equal(2, await office.Get<MailOutbox>().PendingAsync(Ct));
        }

        // Stopped before anything went out; the next start sends both, and the fax is not queued again.
        Assert.Equal(0, before.Attempts);
        await using var restarted = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s => s.AddSingleton<IMailSender>(after), directory); // removes the directory at the end
        Assert.Equal(0, await restarted.Get<FaxMailer>().ResendPendingAsync(Ct));
        await MailPostOffice.WaitForAsync(() => restarted.Store.Inbound.GetAsync(faxId, Ct), f => f!.State == InboundState.Delivered, "fax delivered after the restart");
        await MailPostOffice.WaitForAsync(() => restarted.Get<MailOutbox>().PendingAsync(Ct), n => n == 0, "queue empty");
        Assert.Equal(2, after.Sent.Count);
        Assert.Single(after.Sent, m => m.Subject == "Fax to 030 123: done");
        Assert.Single(after.Sent, m => m.Attachments.Any());
    }

    [Fact]
    public async Task TemporaryFailuresBackOffThenSucceed()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = new ScriptedMailSender().Fail(2, permanent: false);
        var options = MailPostOffice.ServerOptions();
        options.SmtpRetryDelay = TimeSpan.FromMinutes(1);
        options.SmtpMaxTries = 5;
        await using var office = await StartAsync(options, sender, time);
        await office.UserAsync("carol", "carol@example.org", "103");
        var fax = await office.Get<FaxIntake>().AcceptAsync(await FaxMailerTests.ArrivedAsync(office, "+49891234103"), Ct);
        var outbox = office.Get<MailOutbox>();

        Assert.Equal(1, await outbox.SendDueAsync(Ct)); // 451
        Assert.Equal(0, await outbox.SendDueAsync(Ct)); // waits a minute
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await outbox.SendDueAsync(Ct)); // 451 again
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await outbox.SendDueAsync(Ct)); // now waits two minutes
        var waiting = Assert.Single(await office.Store.Mail.DueAsync(time.GetUtcNow().AddMinutes(1), 10, Ct));
        Assert.Equal(2, waiting.Tries);
        Assert.Contains("451", waiting.LastError, StringComparison.Ordinal);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await outbox.SendDueAsync(Ct)); // accepted

        Assert.Equal(3, sender.Attempts);
        Assert.Single(sender.Sent);
        Assert.Equal(0, await outbox.PendingAsync(Ct));
        Assert.Equal(InboundState.Delivered, (await office.Store.Inbound.GetAsync(fax.Id, Ct))!.State);
    }

    [Theory]
    [InlineData(1, true)] // 550 at once
    [InlineData(3, false)] // 451 three times with three tries allowed
    public async Task GivingUpPutsTheFaxInThePostOfficeQueue(int failures, bool permanent)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = new ScriptedMailSender().Fail(failures, permanent);
        var options = MailPostOffice.ServerOptions();
        options.SmtpRetryDelay = TimeSpan.FromMinutes(1);
        options.SmtpMaxTries = 3;
        await using var office = await StartAsync(options, sender, time);
        await office.UserAsync("carol", "carol@example.org", "103");
        var fax = await office.Get<FaxIntake>().AcceptAsync(await FaxMailerTests.ArrivedAsync(office, "+49891234103"), Ct);

        for (int i = 0; i < failures; i++)
        {
            Assert.Equal(1, await office.Get<MailOutbox>().SendDueAsync(Ct));
            time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal(failures, sender.Attempts);
        Assert.Empty(sender.Sent);
        Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));
        var failed = (await office.Store.Inbound.GetAsync(fax.Id, Ct))!;
        Assert.Equal(InboundState.Unroutable, failed.State);
        Assert.Equal(UnroutableReason.DeliveryFailed, failed.Reason);
        var reason = (await office.Store.Inbound.EventsAsync(fax.Id, Ct)).Last();
        Assert.Contains(permanent ? "550" : "gave up after 3 tries", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMailAcceptedJustBeforeACrashIsNotSentAgain()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sender = new ScriptedMailSender();
        string directory = Path.Combine(Path.GetTempPath(), "faxpost-mailtest-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var faults = new FaultyStore(FaxPost.Storage.PostOfficeStoreFactory.Create("sqlite", null, directory));
        long faxId;
        await using (var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s =>
        {
            s.AddSingleton<IMailSender>(sender);
            s.AddSingleton<TimeProvider>(time);
            s.AddSingleton(_ => faults.Store);
        }, directory, runOutbox: false))
        {
            office.KeepDirectory = true;
            await office.UserAsync("carol", "carol@example.org", "103");
            faxId = (await office.Get<FaxIntake>().AcceptAsync(await FaxMailerTests.ArrivedAsync(office, "+49891234103"), Ct)).Id;

            // The SMTP server accepts; the node dies before the mail leaves the queue.
            faults.FailNext("RemoveAsync");
            await Assert.ThrowsAsync<FaultyStore.CrashException>(() => office.Get<MailOutbox>().SendDueAsync(Ct));
            Assert.Single(sender.Sent);
        }

        await using var restarted = await StartAsync(MailPostOffice.ServerOptions(), sender, time, directory);
        var outbox = restarted.Get<MailOutbox>();
        Assert.Equal(1, await outbox.PendingAsync(Ct));
        Assert.Equal(0, await restarted.Get<FaxMailer>().ResendPendingAsync(Ct)); // still in the queue: not mailed afresh
        time.Advance(TimeSpan.FromHours(1)); // the dead node's lease is over
        Assert.Equal(1, await outbox.SendDueAsync(Ct)); // finished, not sent
        Assert.Equal(1, sender.Attempts);
        Assert.Equal(0, await outbox.PendingAsync(Ct));
        Assert.Equal(InboundState.Delivered, (await restarted.Store.Inbound.GetAsync(faxId, Ct))!.State);
        Assert.Single(await restarted.Store.Inbound.EventsAsync(faxId, Ct), e => e.Kind == "mailed");
    }

    [Fact]
    public async Task AcceptanceIsRecordedEvenWhenTheServerIsStoppingAtThatMoment()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var stopping = new CancellationTokenSource();
        var sender = new StopsTheServerWhenAccepting(stopping);
        await using var office = await MailPostOffice.StartAsync(MailPostOffice.ServerOptions(), s =>
        {
            s.AddSingleton<IMailSender>(sender);
            s.AddSingleton<TimeProvider>(time);
        }, runOutbox: false);
        await office.Get<FaxMailer>().JobChangedAsync(new FaxJob { Id = 9, SubmittedBy = (await office.UserAsync("carol", "carol@example.org", "103")).Id, Destination = "030 123", DialNumber = "+4930123", State = JobState.Done, PageCount = 1, PagesSent = 1 }, "sent", Ct);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => office.Get<MailOutbox>().SendDueAsync(stopping.Token));

        var row = Assert.Single(await office.Store.Mail.DueAsync(time.GetUtcNow().AddHours(1), 10, Ct));
        Assert.NotNull(row.SentAt);
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(1, await office.Get<MailOutbox>().SendDueAsync(Ct));
        Assert.Equal(1, sender.Attempts);
        Assert.Equal(0, await office.Get<MailOutbox>().PendingAsync(Ct));
    }

    /// <summary>Accepts the mail, and the host's stop arrives in that very moment.</summary>
    private sealed class StopsTheServerWhenAccepting(CancellationTokenSource stopping) : IMailSender
    {
        public int Attempts;

        public Task SendAsync(MimeKit.MimeMessage message, CancellationToken ct)
        {
            Interlocked.Increment(ref Attempts);
            stopping.Cancel();
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task BackOffDoublesUpToSixHours()
    {
        var options = MailPostOffice.ServerOptions();
        options.SmtpRetryDelay = TimeSpan.FromMinutes(1);
        await using var office = await StartAsync(options, new ScriptedMailSender(), new FakeTimeProvider());
        var outbox = office.Get<MailOutbox>();
        Assert.Equal(TimeSpan.FromMinutes(1), outbox.BackOff(1));
        Assert.Equal(TimeSpan.FromMinutes(2), outbox.BackOff(2));
        Assert.Equal(TimeSpan.FromMinutes(64), outbox.BackOff(7));
        Assert.Equal(TimeSpan.FromHours(6), outbox.BackOff(40));
    }

    private static Task<MailPostOffice> StartAsync(MailGatewayOptions options, ScriptedMailSender sender, FakeTimeProvider time, string? directory = null) =>
        MailPostOffice.StartAsync(options, s =>
        {
            s.AddSingleton<IMailSender>(sender);
            s.AddSingleton<TimeProvider>(time);
        }, directory, runOutbox: false);
}
