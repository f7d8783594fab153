using FaxPost.Core;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Scheduling;

namespace FaxPost.Web.Api;

/// <summary>Passes job changes that do not come from a call (conversion done or failed) to the
/// progress hub, so live watchers see "queued" or "failed: reason" without waiting for a re-read.</summary>
internal sealed class ProgressRelay(JobProgressHub hub, TimeProvider time) : IPostOfficeObserver
{
    public Task JobChangedAsync(FaxJob job, string message, CancellationToken ct)
    {
        hub.Publish(new JobUpdate(job.Id, job.State, message, null, time.GetUtcNow()));
        return Task.CompletedTask;
    }

    public Task FaxArrivedAsync(InboundFax fax, CancellationToken ct) => Task.CompletedTask;
}
