using System.Collections.Concurrent;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Tests.Fixtures;
using FaxPost.Imaging.Conversion;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Core.Tests.Jobs;

/// <summary>
/// A submission whose documents cannot be converted while the front door waits is refused by the
/// door (one answer to the submitter) and no failure is announced to observers (no second "failed"
/// notice for a job that is removed); once the door stopped waiting, a failure is announced.
/// </summary>
public sealed class ConversionRefusalTests
{
    private static readonly byte[] BrokenPdf = "%PDF-1.4 this is not a PDF at all"u8.ToArray();

    [Fact]
    public async Task A_refusal_at_the_door_is_not_also_announced_as_a_failed_job()
    {
        var seen = new RecordingObserver();
        await using var office = await PostOffice.StartAsync(null, s => s.AddSingleton<IPostOfficeObserver>(seen));
        office.RunConversion();
        var alice = await office.UserAsync("alice", "10");

        var refused = await Assert.ThrowsAsync<DocumentConversionException>(() => SubmitAsync(office, alice, BrokenPdf, TimeSpan.FromSeconds(60)));

        Assert.Contains("scan.pdf", refused.Message, StringComparison.Ordinal);
        Assert.Empty(await office.Store.Jobs.QueryAsync(new Core.Storage.JobQuery(), CancellationToken.None));
        Assert.DoesNotContain(seen.Changes, c => c.State == JobState.Failed);
    }

    [Fact]
    public async Task A_failure_after_the_door_stopped_waiting_is_announced_once()
    {
        var seen = new RecordingObserver();
        await using var office = await PostOffice.StartAsync(null, s => s.AddSingleton<IPostOfficeObserver>(seen));
        var alice = await office.UserAsync("alice", "10");

        // The door answers "accepted, converting" at once; conversion runs (and fails) afterwards.
        var accepted = Assert.Single(await SubmitAsync(office, alice, BrokenPdf, TimeSpan.Zero));
        Assert.Equal(JobState.Submitted, accepted.State);
        office.RunConversion();

        var failed = await office.WaitForAsync(accepted.Id, j => j.State == JobState.Failed, "failed");
        Assert.Contains("scan.pdf", failed.LastError, StringComparison.Ordinal);
        await WaitUntilAsync(() => seen.Changes.Any(c => c.State == JobState.Failed));
        Assert.Single(seen.Changes, c => c.JobId == accepted.Id && c.State == JobState.Failed);
    }

    [Fact]
    public async Task A_good_submission_is_announced_as_queued()
    {
        var seen = new RecordingObserver();
        await using var office = await PostOffice.StartAsync(null, s => s.AddSingleton<IPostOfficeObserver>(seen));
        office.RunConversion();
        var alice = await office.UserAsync("alice", "10");

        var job = Assert.Single(await SubmitAsync(office, alice, "Hello fax"u8.ToArray(), TimeSpan.FromSeconds(60), "note.txt"));

        Assert.Equal(JobState.Queued, job.State);
        Assert.Single(seen.Changes, c => c.JobId == job.Id && c.State == JobState.Queued);
    }

    [Fact]
    public async Task Stopping_a_waiting_job_is_announced()
    {
        var seen = new RecordingObserver();
        await using var office = await PostOffice.StartAsync(null, s => s.AddSingleton<IPostOfficeObserver>(seen));
        office.RunConversion();
        var alice = await office.UserAsync("alice", "10");
        var job = Assert.Single(await SubmitAsync(office, alice, "Hello fax"u8.ToArray(), TimeSpan.FromSeconds(60), "note.txt"));

        await office.Get<JobService>().CancelAsync(alice, job.Id, CancellationToken.None);

        Assert.Single(seen.Changes, c => c.JobId == job.Id && c.State == JobState.Cancelled);
    }

    private static Task<IReadOnlyList<FaxJob>> SubmitAsync(PostOffice office, Core.Rights.Principal by, byte[] document, TimeSpan wait, string name = "scan.pdf") =>
        office.Get<JobService>().SubmitAsync(by, new SubmitRequest
        {
            Recipients = [new RecipientSpec("0030 1234567")],
            Documents = [new UploadedDocument(name, new MemoryStream(document))],
            WaitForConversion = wait,
        }, CancellationToken.None);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the observer was never told");
            await Task.Delay(20);
        }
    }

    private sealed class RecordingObserver : IPostOfficeObserver
    {
        public ConcurrentQueue<(long JobId, JobState State)> Changes { get; } = new();

        public Task JobChangedAsync(FaxJob job, string message, CancellationToken ct)
        {
            Changes.Enqueue((job.Id, job.State));
            return Task.CompletedTask;
        }

        public Task FaxArrivedAsync(InboundFax fax, CancellationToken ct) => Task.CompletedTask;
    }
}
