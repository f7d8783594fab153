using System.Collections.Concurrent;
using System.Threading.Channels;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;

namespace FaxPost.Core.Scheduling;

/// <summary>A change a watcher of a job sees: a new state, or live call progress (page n of m).</summary>
public sealed record JobUpdate(long JobId, JobState State, string Message, CallProgress? Call, DateTimeOffset At);

/// <summary>
/// Live job progress for the CLI and web (in memory; the durable history is the job's events).
/// Watchers get a bounded channel; a slow watcher loses intermediate updates, never blocks a call.
/// </summary>
public sealed class JobProgressHub
{
    private readonly ConcurrentDictionary<long, JobUpdate> _latest = new();
    private readonly ConcurrentDictionary<Channel<JobUpdate>, long?> _watchers = new();

    public JobUpdate? Latest(long jobId) => _latest.TryGetValue(jobId, out var u) ? u : null;

    public void Publish(JobUpdate update)
    {
        if (update.State.IsFinal())
        {
            _latest.TryRemove(update.JobId, out _);
        }
        else
        {
            _latest[update.JobId] = update;
        }

        foreach (var (channel, jobId) in _watchers)
        {
            if (jobId is null || jobId == update.JobId)
            {
                channel.Writer.TryWrite(update);
            }
        }
    }

    /// <summary>Updates for one job (or all when null) until <paramref name="ct"/> is cancelled.</summary>
    public async IAsyncEnumerable<JobUpdate> WatchAsync(long? jobId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<JobUpdate>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest });
        _watchers[channel] = jobId;
        try
        {
            while (await channel.Reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var update))
                {
                    yield return update;
                }
            }
        }
        finally
        {
            _watchers.TryRemove(channel, out _);
        }
    }
}
