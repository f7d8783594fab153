using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Log;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Scheduling;

public sealed class FaxSchedulerTests
{
    private static async Task<(PostOffice Office, CancellationTokenSource Stop, Task Run)> StartAsync(Action<FaxPost.Core.Configuration.FaxPostOptions>? configure, params IFaxLine[] lines)
    {
        var office = await PostOffice.StartAsync(configure, lines);
        var stop = new CancellationTokenSource();
        var run = office.Get<FaxScheduler>().RunAsync(stop.Token);
        return (office, stop, run);
    }

    private static async Task StopAsync(PostOffice office, CancellationTokenSource stop, Task run)
    {
        await stop.CancelAsync();
        await run;
        await office.DisposeAsync();
    }

    [Fact]
    public async Task A_queued_job_is_sent_and_logged()
    {
        var line = new ScriptedFaxLine();
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice", "11");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", pages: 3);
        office.Get<FaxScheduler>().Wake();

        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");

        Assert.Equal(3, done.PagesSent);
        Assert.Equal(1, done.Tries);
        var call = Assert.Single(line.Calls);
        Assert.Equal("+49305550100", call.E164);
        Assert.Equal("0305550100", call.DialString);
        Assert.Equal(0, call.FirstPage);
        Assert.Equal("+498912341" + "1", call.CallerNumber);
        var log = await office.Store.Log.QueryAsync(new LogQuery(), CancellationToken.None);
        var record = Assert.Single(log);
        Assert.Equal(Direction.Send, record.Direction);
        Assert.Equal("ok", record.Result);
        Assert.Equal(3, record.Pages);
        var history = await office.Store.Jobs.EventsAsync(job.Id, CancellationToken.None);
        Assert.Contains(history, e => e.State == JobState.InProgress);
        Assert.Contains(history, e => e.State == JobState.Done);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task Busy_retries_after_the_busy_delay_and_then_succeeds()
    {
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.Busy));
        var (office, stop, run) = await StartAsync(o => o.Retry.BusyDelay = TimeSpan.FromMinutes(3), line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100");
        office.Get<FaxScheduler>().Wake();

        var waiting = await office.WaitForAsync(job.Id, j => j.State == JobState.WaitingToRetry, "waiting to retry");
        Assert.Equal(office.Time.GetUtcNow() + TimeSpan.FromMinutes(3), waiting.NextAttemptAt);
        Assert.Contains("Busy", waiting.LastError, StringComparison.Ordinal);

        office.Time.Advance(TimeSpan.FromMinutes(2));
        office.Get<FaxScheduler>().Wake();
        await Task.Delay(200);
        Assert.Single(line.Calls);

        office.Time.Advance(TimeSpan.FromMinutes(1));
        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");
        Assert.Equal(2, done.Tries);
        Assert.Equal(2, line.Calls.Count);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_job_fails_after_its_last_try()
    {
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.NoAnswer)).Then(new ScriptedCall(CallResult.NoAnswer));
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", maxTries: 2);
        office.Get<FaxScheduler>().Wake();

        await office.WaitForAsync(job.Id, j => j.State == JobState.WaitingToRetry, "waiting to retry");
        office.Time.Advance(TimeSpan.FromHours(1));
        var failed = await office.WaitForAsync(job.Id, j => j.State == JobState.Failed, "failed");

        Assert.Equal(2, failed.Tries);
        Assert.Contains("after 2 tries", failed.LastError, StringComparison.Ordinal);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried()
    {
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.PermanentFailure));
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", maxTries: 5);
        office.Get<FaxScheduler>().Wake();

        var failed = await office.WaitForAsync(job.Id, j => j.State == JobState.Failed, "failed");

        Assert.Equal(1, failed.Tries);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_job_whose_trunks_are_all_busy_waits_in_the_queue_without_spending_a_try()
    {
        bool free = false;
        int asked = 0;
        var line = new ScriptedFaxLine
        {
            FreeChannelFor = _ =>
            {
                Interlocked.Increment(ref asked);
                return Volatile.Read(ref free);
            },
        };
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", maxTries: 1);
        var scheduler = office.Get<FaxScheduler>();
        scheduler.Wake();

        // A dispatch pass saw no free channel: no call, no try, still queued.
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref asked) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }

        Assert.True(Volatile.Read(ref asked) > 0, "the scheduler never looked at the job");
        var waiting = await office.Store.Jobs.GetAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobState.Queued, waiting!.State);
        Assert.Equal(0, waiting.Tries);
        Assert.Empty(line.Calls);

        Volatile.Write(ref free, true);
        scheduler.Wake();
        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");

        Assert.Equal(1, done.Tries);
        Assert.Single(line.Calls);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_dropped_call_resumes_after_the_last_confirmed_page()
    {
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.TemporaryFailure, ConfirmPages: 2));
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", pages: 5);
        office.Get<FaxScheduler>().Wake();

        var waiting = await office.WaitForAsync(job.Id, j => j.State == JobState.WaitingToRetry, "waiting to retry");
        Assert.Equal(2, waiting.PagesSent);
        office.Time.Advance(TimeSpan.FromHours(1));
        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");

        Assert.Equal(5, done.PagesSent);
        var calls = line.Calls.ToArray();
        Assert.Equal(0, calls[0].FirstPage);
        Assert.Equal(2, calls[1].FirstPage);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_call_that_claims_success_without_every_page_is_not_done()
    {
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.Success, ConfirmPages: 1));
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", pages: 3);
        office.Get<FaxScheduler>().Wake();

        var waiting = await office.WaitForAsync(job.Id, j => j.State == JobState.WaitingToRetry, "waiting to retry");

        Assert.Contains("only 1 of 3", waiting.LastError, StringComparison.Ordinal);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task Higher_priority_goes_first_and_not_before_times_are_kept()
    {
        var hold = new TaskCompletionSource();
        var line = new ScriptedFaxLine(channels: 1).Then(new ScriptedCall(CallResult.Success, Hold: hold));
        var (office, stop, run) = await StartAsync(o => o.Lines = new() { Total = 2, ReservedInbound = 1 }, line);
        var alice = await office.UserAsync("alice");
        var blocker = await office.QueueJobAsync(alice, "+49 30 1111111");
        office.Get<FaxScheduler>().Wake();
        await office.WaitForAsync(blocker.Id, j => j.State == JobState.InProgress, "in progress");

        var low = await office.QueueJobAsync(alice, "+49 30 2222222", priority: 10);
        var high = await office.QueueJobAsync(alice, "+49 30 3333333", priority: 200);
        var later = await office.QueueJobAsync(alice, "+49 30 4444444", priority: 255, notBefore: office.Time.GetUtcNow().AddHours(2));
        hold.SetResult();
        await office.WaitForAsync(low.Id, j => j.State == JobState.Done, "done");
        await office.WaitForAsync(high.Id, j => j.State == JobState.Done, "done");

        Assert.Equal(["+49301111111", "+49303333333", "+49302222222"], line.Calls.Select(c => c.E164));
        Assert.Equal(JobState.Queued, (await office.Store.Jobs.GetAsync(later.Id, CancellationToken.None))!.State);
        office.Time.Advance(TimeSpan.FromHours(2));
        await office.WaitForAsync(later.Id, j => j.State == JobState.Done, "done");
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task Lines_reserved_for_incoming_calls_and_the_destination_limit_are_respected()
    {
        var holds = Enumerable.Range(0, 6).Select(_ => new TaskCompletionSource()).ToArray();
        var line = new ScriptedFaxLine(channels: 10);
        foreach (var h in holds)
        {
            line.Then(new ScriptedCall(CallResult.Success, Hold: h));
        }

        var (office, stop, run) = await StartAsync(o => o.Lines = new() { Total = 3, ReservedInbound = 1, PerDestination = 1 }, line);
        var alice = await office.UserAsync("alice");
        var jobs = new List<FaxJob>
        {
            await office.QueueJobAsync(alice, "+49 30 1111111"),
            await office.QueueJobAsync(alice, "+49 30 1111111"),
            await office.QueueJobAsync(alice, "+49 30 2222222"),
            await office.QueueJobAsync(alice, "+49 30 3333333"),
        };
        office.Get<FaxScheduler>().Wake();
        await office.WaitForAsync(jobs[2].Id, j => j.State == JobState.InProgress, "in progress");
        await Task.Delay(200);

        // Two outbound lines (3 minus 1 reserved); never two calls to the same number.
        Assert.Equal(2, office.Get<LineBudget>().Outbound);
        Assert.Equal(JobState.Queued, (await office.Store.Jobs.GetAsync(jobs[1].Id, CancellationToken.None))!.State);
        Assert.True(office.Get<LineBudget>().TryAcquireInbound());
        office.Get<LineBudget>().ReleaseInbound();

        foreach (var h in holds)
        {
            h.TrySetResult();
        }

        foreach (var job in jobs)
        {
            await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");
        }

        Assert.Equal(2, line.MaxConcurrent);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task A_fax_to_our_own_extension_is_delivered_internally_without_a_line()
    {
        var line = new ScriptedFaxLine();
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice", "11");
        var bob = await office.UserAsync("bob", "22");
        var job = await office.QueueJobAsync(alice, "22", pages: 2);
        office.Get<FaxScheduler>().Wake();

        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");

        Assert.Empty(line.Calls);
        var inbox = await office.Get<InboxService>().ListAsync(bob, new InboundQuery(), CancellationToken.None);
        var fax = Assert.Single(inbox);
        Assert.Equal(2, fax.Pages);
        Assert.Equal(job.Id, fax.FromJobId);
        Assert.Equal("+4989123411", fax.CallerNumber);
        Assert.Equal(InboundState.Routed, fax.State);
        Assert.Empty(await office.Get<InboxService>().ListAsync(alice, new InboundQuery(), CancellationToken.None));
        var log = await office.Store.Log.QueryAsync(new LogQuery(), CancellationToken.None);
        Assert.Contains(log, r => r.Direction == Direction.Send && r.Result == "internal");
        Assert.Contains(log, r => r.Direction == Direction.Receive && r.Line == "internal");
        Assert.Equal(done.PageCount, done.PagesSent);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task After_a_crash_a_job_in_progress_resumes_from_its_confirmed_pages()
    {
        var line = new ScriptedFaxLine();
        var office = await PostOffice.StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100", pages: 4);

        // What a killed process leaves behind: in progress, two pages confirmed.
        job.State = JobState.InProgress;
        job.Tries = 1;
        job.PagesSent = 2;
        Assert.True(await office.Store.Jobs.UpdateAsync(job, "simulated crash", JobState.Queued, CancellationToken.None));

        using var stop = new CancellationTokenSource();
        var run = office.Get<FaxScheduler>().RunAsync(stop.Token);
        var done = await office.WaitForAsync(job.Id, j => j.State == JobState.Done, "done");

        Assert.Equal(2, Assert.Single(line.Calls).FirstPage);
        Assert.Equal(2, done.Tries);
        var history = await office.Store.Jobs.EventsAsync(job.Id, CancellationToken.None);
        Assert.Contains(history, e => e.Message.Contains("next try starts at page 3", StringComparison.Ordinal));
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task Stopping_a_job_hangs_up_its_call()
    {
        var hold = new TaskCompletionSource();
        var line = new ScriptedFaxLine().Then(new ScriptedCall(CallResult.Success, Hold: hold));
        var (office, stop, run) = await StartAsync(null, line);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100");
        office.Get<FaxScheduler>().Wake();
        await office.WaitForAsync(job.Id, j => j.State == JobState.InProgress, "in progress");

        await office.Get<JobService>().CancelAsync(alice, job.Id, CancellationToken.None);
        var cancelled = await office.WaitForAsync(job.Id, j => j.State == JobState.Cancelled && j.LastError!.Contains("confirmed", StringComparison.Ordinal), "cancelled and settled");

        Assert.Equal(0, cancelled.PagesSent);
        Assert.Equal(0, office.Get<LineBudget>().Outbound);
        await StopAsync(office, stop, run);
    }

    [Fact]
    public async Task Without_any_line_jobs_wait_and_say_why()
    {
        var (office, stop, run) = await StartAsync(null);
        var alice = await office.UserAsync("alice");
        var job = await office.QueueJobAsync(alice, "+49 30 5550100");
        office.Get<FaxScheduler>().Wake();

        var waiting = await office.WaitForAsync(job.Id, j => j.LastError is not null, "annotated");

        Assert.Equal(JobState.Queued, waiting.State);
        Assert.Contains("no fax line", waiting.LastError, StringComparison.Ordinal);
        await StopAsync(office, stop, run);
    }
}
