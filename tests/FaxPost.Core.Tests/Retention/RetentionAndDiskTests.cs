using FaxPost.Core.Accounts;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Retention;
using FaxPost.Core.Rights;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Retention;

public sealed class RetentionAndDiskTests
{
    private static async Task<InboundFax> ReceiveAsync(PostOffice office, string extension)
    {
        await using var tiff = new MemoryStream("II*\0pages"u8.ToArray());
        var file = await office.Documents.SaveAsync("inbound", "tif", tiff, long.MaxValue, CancellationToken.None);
        return await office.Get<FaxIntake>().AcceptAsync(new ArrivedFax(file.RelativePath, 1, "+4930555", "ACME", "+49891234" + extension, null, false, "test", TimeSpan.FromSeconds(30)), CancellationToken.None);
    }

    [Fact]
    public async Task Faxes_and_finished_jobs_older_than_the_retention_go_and_their_files_with_them()
    {
        await using var office = await PostOffice.StartAsync(o => o.Retention.Days = 30);
        var alice = await office.UserAsync("alice", "11");
        var old = await ReceiveAsync(office, "11");
        var finished = await office.QueueJobAsync(alice, "+49 30 5550100");
        finished.State = JobState.Done;
        finished.CompletedAt = office.Time.GetUtcNow();
        await office.Store.Jobs.UpdateAsync(finished, "done", JobState.Queued, CancellationToken.None);
        var waiting = await office.QueueJobAsync(alice, "+49 30 5550101");
        office.Time.Advance(TimeSpan.FromDays(31));
        var fresh = await ReceiveAsync(office, "11");
        var retention = office.Get<RetentionService>();

        var preview = await retention.RunAsync(Principal.System, dryRun: true, CancellationToken.None);
        Assert.Equal(2, preview.Count);
        Assert.NotNull(await office.Store.Inbound.GetAsync(old.Id, CancellationToken.None));
        Assert.True(office.Documents.Exists(old.Document));

        var removed = await retention.RunAsync(Principal.System, dryRun: false, CancellationToken.None);

        Assert.Equal(preview.Select(i => (i.Kind, i.Id)), removed.Select(i => (i.Kind, i.Id)));
        Assert.Null(await office.Store.Inbound.GetAsync(old.Id, CancellationToken.None));
        Assert.False(office.Documents.Exists(old.Document));
        Assert.Null(await office.Store.Jobs.GetAsync(finished.Id, CancellationToken.None));
        Assert.NotNull(await office.Store.Jobs.GetAsync(waiting.Id, CancellationToken.None));
        Assert.NotNull(await office.Store.Inbound.GetAsync(fresh.Id, CancellationToken.None));
        Assert.NotEmpty(await office.Store.Log.QueryAsync(new Core.Storage.LogQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task A_mailbox_can_keep_its_faxes_longer_or_shorter()
    {
        await using var office = await PostOffice.StartAsync(o => o.Retention.Days = 30);
        var alice = await office.UserAsync("alice", "11");
        var bob = await office.UserAsync("bob", "22");
        var accounts = office.Get<AccountService>();
        await accounts.UpdateMailboxAsync(Principal.System, await office.MailboxOfAsync(alice), null, null, null, retentionDays: 90, null, CancellationToken.None);
        await accounts.UpdateMailboxAsync(Principal.System, await office.MailboxOfAsync(bob), null, null, null, retentionDays: 7, null, CancellationToken.None);
        var kept = await ReceiveAsync(office, "11");
        var gone = await ReceiveAsync(office, "22");
        office.Time.Advance(TimeSpan.FromDays(10));

        var removed = await office.Get<RetentionService>().RunAsync(Principal.System, dryRun: false, CancellationToken.None);

        Assert.Equal(gone.Id, Assert.Single(removed).Id);
        Assert.NotNull(await office.Store.Inbound.GetAsync(kept.Id, CancellationToken.None));
    }

    [Fact]
    public async Task Only_administrators_run_or_change_the_clean_up()
    {
        await using var office = await PostOffice.StartAsync();
        var clerk = await office.UserAsync("clerk", roles: Role.PostOffice);
        var retention = office.Get<RetentionService>();

        await Assert.ThrowsAsync<AccessDeniedException>(() => retention.RunAsync(clerk, dryRun: true, CancellationToken.None));
        await Assert.ThrowsAsync<AccessDeniedException>(() => retention.SetDefaultDaysAsync(clerk, 5, CancellationToken.None));
        await retention.SetDefaultDaysAsync(Principal.System, 14, CancellationToken.None);
        Assert.Equal(14, await retention.DefaultDaysAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_nearly_full_disk_refuses_new_faxes_with_a_clear_error_and_changes_nothing()
    {
        await using var office = await PostOffice.StartAsync(o => o.Limits.MinFreeDiskBytes = long.MaxValue);
        var alice = await office.UserAsync("alice", "11");
        await using var pdf = new MemoryStream("%PDF-1.4\n"u8.ToArray());

        var refused = await Assert.ThrowsAsync<OverloadedException>(() => office.Get<JobService>().SubmitAsync(alice,
            new SubmitRequest { Recipients = [new RecipientSpec("+49 30 5550100")], Documents = [new UploadedDocument("a.pdf", pdf)] }, CancellationToken.None));

        Assert.Contains("MiB free", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await office.Store.Jobs.QueryAsync(new Core.Storage.JobQuery(), CancellationToken.None));
        Assert.Null(await office.Get<InboundCallSink>().OfferAsync(new Core.Lines.IncomingCall("trunk", "+4930555", "+4989123411", "c1"), CancellationToken.None));
        Assert.Equal(0, office.Get<FaxPost.Core.Scheduling.LineBudget>().Inbound);
    }
}
