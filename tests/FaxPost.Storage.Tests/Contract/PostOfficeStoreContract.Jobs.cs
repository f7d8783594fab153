using FaxPost.Core.Jobs;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Contract;

public abstract partial class PostOfficeStoreContract
{
    private async Task<(long User, long Mailbox)> SenderAsync(string login = "sender", string extension = "300")
    {
        var user = Sample.User(login);
        await Store.Users.SaveAsync(user, Ct);
        var box = Sample.Mailbox(login, user.Id, extension);
        await Store.Mailboxes.SaveAsync(box, Ct);
        return (user.Id, box.Id);
    }

    [Fact]
    public async Task Submission_stores_documents_jobs_and_a_submitted_event_per_job()
    {
        var (user, box) = await SenderAsync();
        JobDocument[] documents = [Sample.Document(0), Sample.Document(1)];
        FaxJob[] jobs = [Sample.Job(box, user, "111"), Sample.Job(box, user, "222"), Sample.Job(box, user, "333")];

        long group = await Store.Jobs.CreateSubmissionAsync(documents, jobs, Ct);

        Assert.Equal(jobs[0].Id, group);
        Assert.All(jobs, j => Assert.Equal(group, j.GroupId));
        Assert.Equal(3, jobs.Select(j => j.Id).Distinct().Count());
        Assert.All(documents, d => Assert.Equal(group, d.GroupId));
        var stored = await Store.Jobs.DocumentsAsync(group, Ct);
        Assert.Equal(["letter0.pdf", "letter1.pdf"], stored.Select(d => d.FileName));
        Assert.Equal(documents.Select(d => d.Id), stored.Select(d => d.Id));
        Assert.Equal("outbound/2026/11/doc1.pdf", stored[1].StoredPath);
        Assert.Equal(1001, stored[1].Size);
        Assert.Equal(2, stored[1].Pages);
        Assert.Equal(1, stored[1].Order);

        var job = await Store.Jobs.GetAsync(jobs[1].Id, Ct);
        Assert.NotNull(job);
        Assert.Equal(group, job.GroupId);
        Assert.Equal(box, job.MailboxId);
        Assert.Equal(user, job.SubmittedBy);
        Assert.Equal("222", job.Destination);
        Assert.Equal("+4989222", job.DialNumber);
        Assert.Null(job.InternalMailboxId);
        Assert.Equal("Recipient 222", job.RecipientName);
        Assert.Equal("Company", job.RecipientCompany);
        Assert.Equal(Imaging.Conversion.FaxResolution.Superfine, job.Resolution);
        Assert.Equal(200, job.Priority);
        Assert.Equal(Sample.T0.AddHours(1), job.NotBefore);
        Assert.Equal(5, job.MaxTries);
        Assert.True(job.CoverPage);
        Assert.Equal("Subject", job.Subject);
        Assert.Equal("Note", job.Note);
        Assert.Equal("notify@example.org", job.NotifyAddress);
        Assert.Equal(JobState.Submitted, job.State);
        Assert.Equal(3, job.PageCount);
        Assert.Equal(Sample.T0, job.CreatedAt);
        Assert.Null(job.CompletedAt);

        foreach (var j in jobs)
        {
            var evt = Assert.Single(await Store.Jobs.EventsAsync(j.Id, Ct));
            Assert.Equal("submitted", evt.Message);
            Assert.Equal(JobState.Submitted, evt.State);
            Assert.Equal(Sample.T0, evt.At);
            Assert.Equal(j.Id, evt.JobId);
        }
    }

    [Fact]
    public async Task A_failing_job_insert_leaves_nothing_of_the_submission()
    {
        var (user, box) = await SenderAsync();
        JobDocument[] documents = [Sample.Document(0)];
        // The second job names a user that does not exist: its insert fails on the foreign key.
        FaxJob[] jobs = [Sample.Job(box, user, "111"), Sample.Job(box, user + 999, "222")];

        await Assert.ThrowsAnyAsync<Exception>(() => Store.Jobs.CreateSubmissionAsync(documents, jobs, Ct));

        Assert.Empty(await Store.Jobs.QueryAsync(new JobQuery(), Ct));
        Assert.Empty(await Store.Jobs.OrphanGroupsAsync(Ct));
        Assert.Equal(0, jobs[0].Id);
        Assert.Equal(0, documents[0].Id);

        // The store is still usable and numbering carries on.
        long group = await Store.Jobs.CreateSubmissionAsync([Sample.Document(0)], [Sample.Job(box, user, "111")], Ct);
        Assert.Single(await Store.Jobs.QueryAsync(new JobQuery(GroupId: group), Ct));
        Assert.Single(await Store.Jobs.EventsAsync(group, Ct));
    }

    [Fact]
    public async Task Conditional_update_refuses_a_stale_state_and_writes_no_event()
    {
        var (user, box) = await SenderAsync();
        var job = Sample.Job(box, user, "111", JobState.Queued);
        await Store.Jobs.CreateSubmissionAsync([], [job], Ct);

        var first = (await Store.Jobs.GetAsync(job.Id, Ct))!;
        var second = (await Store.Jobs.GetAsync(job.Id, Ct))!;
        first.State = JobState.InProgress;
        first.Tries = 1;
        first.UpdatedAt = Sample.T0.AddMinutes(1);
        Assert.True(await Store.Jobs.UpdateAsync(first, "attempt 1 on line 1", JobState.Queued, Ct));

        second.State = JobState.InProgress;
        second.Tries = 1;
        second.UpdatedAt = Sample.T0.AddMinutes(2);
        Assert.False(await Store.Jobs.UpdateAsync(second, "attempt 1 on line 2", JobState.Queued, Ct));

        var events = await Store.Jobs.EventsAsync(job.Id, Ct);
        Assert.Equal(["submitted", "attempt 1 on line 1"], events.Select(e => e.Message));
        Assert.Equal(JobState.InProgress, events[1].State);
        Assert.Equal(Sample.T0.AddMinutes(1), events[1].At);

        // Without an expected state the update always applies.
        first.State = JobState.Done;
        first.PagesSent = 3;
        first.LastError = "ok";
        first.FaxDocument = "outbound/2026/11/fax.tif";
        first.CompletedAt = Sample.T0.AddMinutes(3);
        first.UpdatedAt = Sample.T0.AddMinutes(3);
        Assert.True(await Store.Jobs.UpdateAsync(first, "done", null, Ct));
        var read = (await Store.Jobs.GetAsync(job.Id, Ct))!;
        Assert.Equal(JobState.Done, read.State);
        Assert.Equal(3, read.PagesSent);
        Assert.Equal("ok", read.LastError);
        Assert.Equal("outbound/2026/11/fax.tif", read.FaxDocument);
        Assert.Equal(Sample.T0.AddMinutes(3), read.CompletedAt);
        Assert.Equal(3, (await Store.Jobs.EventsAsync(job.Id, Ct)).Count);

        first.Id += 1000;
        Assert.False(await Store.Jobs.UpdateAsync(first, "no such job", null, Ct));
    }

    [Fact]
    public async Task Of_many_concurrent_claims_on_one_job_exactly_one_wins()
    {
        var (user, box) = await SenderAsync();
        var job = Sample.Job(box, user, "111", JobState.Queued);
        await Store.Jobs.CreateSubmissionAsync([], [job], Ct);

        var claims = Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            var copy = (await Store.Jobs.GetAsync(job.Id, Ct))!;
            copy.State = JobState.InProgress;
            copy.LastError = "line " + i;
            return await Store.Jobs.UpdateAsync(copy, "claimed by line " + i, JobState.Queued, Ct);
        }));
        bool[] won = await Task.WhenAll(claims);

        Assert.Single(won, w => w);
        Assert.Equal(2, (await Store.Jobs.EventsAsync(job.Id, Ct)).Count);
    }

    [Fact]
    public async Task Jobs_are_queried_by_mailbox_state_and_group_newest_first_with_paging()
    {
        var (user, boxA) = await SenderAsync("a", "301");
        var (_, boxB) = await SenderAsync("b", "302");
        var a = new List<FaxJob>();
        for (int i = 0; i < 5; i++)
        {
            var job = Sample.Job(boxA, user, "10" + i, i % 2 == 0 ? JobState.Queued : JobState.Done);
            await Store.Jobs.CreateSubmissionAsync([], [job], Ct);
            a.Add(job);
        }

        FaxJob[] pair = [Sample.Job(boxB, user, "201"), Sample.Job(boxB, user, "202")];
        long group = await Store.Jobs.CreateSubmissionAsync([], pair, Ct);

        var page1 = await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxA], Limit: 2), Ct);
        Assert.Equal([a[4].Id, a[3].Id], page1.Select(j => j.Id));
        var page2 = await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxA], Limit: 2, BeforeId: page1[^1].Id), Ct);
        Assert.Equal([a[2].Id, a[1].Id], page2.Select(j => j.Id));
        var page3 = await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxA], Limit: 2, BeforeId: page2[^1].Id), Ct);
        Assert.Equal([a[0].Id], page3.Select(j => j.Id));

        Assert.Equal([a[4].Id, a[2].Id, a[0].Id], (await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxA], States: [JobState.Queued]), Ct)).Select(j => j.Id));
        Assert.Equal(7, (await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxA, boxB]), Ct)).Count);
        Assert.Equal(7, (await Store.Jobs.QueryAsync(new JobQuery(), Ct)).Count);
        Assert.Equal([pair[1].Id, pair[0].Id], (await Store.Jobs.QueryAsync(new JobQuery(GroupId: group), Ct)).Select(j => j.Id));
        Assert.Equal(2, (await Store.Jobs.QueryAsync(new JobQuery(States: [JobState.Submitted]), Ct)).Count);
        Assert.Empty(await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: []), Ct));
        Assert.Empty(await Store.Jobs.QueryAsync(new JobQuery(States: []), Ct));
        Assert.Empty(await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [boxB], States: [JobState.Done]), Ct));

        Assert.Equal(
            [a[0].Id, a[2].Id, a[4].Id, pair[0].Id, pair[1].Id],
            (await Store.Jobs.InStatesAsync([JobState.Queued, JobState.Submitted], Ct)).Select(j => j.Id));
        Assert.Empty(await Store.Jobs.InStatesAsync([], Ct));
    }

    [Fact]
    public async Task Retention_finds_finished_jobs_and_orphaned_documents()
    {
        var (user, box) = await SenderAsync();
        var old = Sample.Job(box, user, "1", JobState.Done);
        old.CompletedAt = Sample.T0.AddDays(-40);
        var recent = Sample.Job(box, user, "2", JobState.Failed);
        recent.CompletedAt = Sample.T0.AddDays(-1);
        var running = Sample.Job(box, user, "3", JobState.Queued);
        running.CompletedAt = Sample.T0.AddDays(-50); // not final: never a retention candidate
        long oldGroup = await Store.Jobs.CreateSubmissionAsync([Sample.Document(0), Sample.Document(1)], [old], Ct);
        long otherGroup = await Store.Jobs.CreateSubmissionAsync([Sample.Document(0)], [recent, running], Ct);

        var finished = await Store.Jobs.FinishedBeforeAsync(Sample.T0.AddDays(-30), Ct);
        Assert.Equal([old.Id], finished.Select(j => j.Id));
        Assert.Equal(2, (await Store.Jobs.FinishedBeforeAsync(Sample.T0, Ct)).Count);

        Assert.Empty(await Store.Jobs.OrphanGroupsAsync(Ct));
        Assert.True(await Store.Jobs.DeleteAsync(old.Id, Ct));
        Assert.False(await Store.Jobs.DeleteAsync(old.Id, Ct));
        Assert.Null(await Store.Jobs.GetAsync(old.Id, Ct));
        Assert.Empty(await Store.Jobs.EventsAsync(old.Id, Ct));
        Assert.True(await Store.Jobs.DeleteAsync(recent.Id, Ct));
        Assert.Equal([oldGroup], await Store.Jobs.OrphanGroupsAsync(Ct)); // the other group still has a job

        await Store.Jobs.DeleteGroupDocumentsAsync(oldGroup, Ct);
        Assert.Empty(await Store.Jobs.DocumentsAsync(oldGroup, Ct));
        Assert.Empty(await Store.Jobs.OrphanGroupsAsync(Ct));
        Assert.Single(await Store.Jobs.DocumentsAsync(otherGroup, Ct));
    }

    [Fact]
    public async Task Documents_can_be_updated_after_conversion()
    {
        var (user, box) = await SenderAsync();
        var document = Sample.Document(0);
        long group = await Store.Jobs.CreateSubmissionAsync([document], [Sample.Job(box, user, "1")], Ct);

        document.Pages = 12;
        document.Size = 98765;
        document.StoredPath = "outbound/2026/11/converted.tif";
        await Store.Jobs.UpdateDocumentAsync(document, Ct);

        var read = Assert.Single(await Store.Jobs.DocumentsAsync(group, Ct));
        Assert.Equal(12, read.Pages);
        Assert.Equal(98765, read.Size);
        Assert.Equal("outbound/2026/11/converted.tif", read.StoredPath);
    }

    [Fact]
    public async Task Job_events_are_in_the_order_they_were_written()
    {
        var (user, box) = await SenderAsync();
        var job = Sample.Job(box, user, "1");
        await Store.Jobs.CreateSubmissionAsync([], [job], Ct);
        JobState[] path = [JobState.Converting, JobState.Queued, JobState.InProgress, JobState.WaitingToRetry, JobState.Queued, JobState.InProgress, JobState.Done];
        for (int i = 0; i < path.Length; i++)
        {
            var expected = job.State;
            job.State = path[i];
            job.UpdatedAt = Sample.T0.AddMinutes(10 - i); // a clock going backwards does not reorder the history
            Assert.True(await Store.Jobs.UpdateAsync(job, "step " + i, expected, Ct));
        }

        var events = await Store.Jobs.EventsAsync(job.Id, Ct);
        Assert.Equal([JobState.Submitted, .. path], events.Select(e => e.State));
        Assert.Equal(events.Select(e => e.Id).Order(), events.Select(e => e.Id));
    }
}
