using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Web.Api;

namespace FaxPost.Cli.Client;

/// <summary>
/// Follows jobs through the server's progress stream and prints one line per change:
/// "job 12: converting", "queued", "dialling", "page 2 of 5", "done" or "failed: reason".
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<IReadOnlyList<ProgressView>> FollowAsync(ApiClient client, IReadOnlyList<long> jobIds, TextWriter? output, CancellationToken ct)
    {
        var gate = new SemaphoreSlim(1, 1);
        var tasks = jobIds.Select(id => FollowOneAsync(client, id, output, gate, ct)).ToList();
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private static async Task<ProgressView> FollowOneAsync(ApiClient client, long jobId, TextWriter? output, SemaphoreSlim gate, CancellationToken ct)
    {
        ProgressView? last = null;
        string? lastLine = null;
        // A stream that ends early (server restart, proxy timeout) is opened again while the job is not final.
        for (int attempt = 0; attempt < 5 && last is not { Final: true }; attempt++)
        {
            await foreach (string data in client.EventsAsync($"api/v1/jobs/{jobId}/progress", ct).ConfigureAwait(false))
            {
                ProgressView? view;
                try
                {
                    view = JsonSerializer.Deserialize<ProgressView>(data, ApiClient.Json);
                }
                catch (JsonException)
                {
                    continue;
                }

                if (view is null)
                {
                    continue;
                }

                last = view;
                string line = Describe(view);
                if (output is not null && line != lastLine)
                {
                    lastLine = line;
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    try
                    {
                        await output.WriteLineAsync($"job {jobId}: {line}").ConfigureAwait(false);
                        await output.FlushAsync(ct).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }

                if (view.Final)
                {
                    break;
                }
            }
        }

        if (last is not { Final: true })
        {
            var job = await client.GetAsync<JobView>($"api/v1/jobs/{jobId}", ct).ConfigureAwait(false);
            last = new ProgressView(job.Id, job.State, job.Final, job.State.Describe(), null, null, null, job.LastError, job.UpdatedAt);
        }

        return last;
    }

    internal static string Describe(ProgressView view)
    {
        if (view.Final)
        {
            return view.State switch
            {
                JobState.Done => "done",
                _ => $"{view.State.Describe()}: {view.Reason ?? view.Message}",
            };
        }

        return view.Phase switch
        {
            "dialling" => "dialling",
            "connected" => "connected",
            "sendingPage" or "pageConfirmed" when view.Page is { } page && view.Pages is { } pages => $"page {page} of {pages}",
            "finishing" => "finishing",
            _ => view.State switch
            {
                JobState.Submitted or JobState.Converting => "converting",
                JobState.WaitingToRetry => view.Message,
                _ => view.State.Describe(),
            },
        };
    }
}
