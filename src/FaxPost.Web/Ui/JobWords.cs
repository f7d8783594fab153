using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Scheduling;

namespace FaxPost.Web.Ui;

/// <summary>The state of an outgoing fax in words for people (the outbox and its live updates).</summary>
public static class JobWords
{
    public static string Describe(FaxJob job, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(job);
        return job.State switch
        {
            JobState.Submitted => "waiting to be converted",
            JobState.Converting => "converting the documents",
            JobState.Queued when job.NotBefore is { } at && at > now => $"scheduled for {Format.Time(at)}",
            JobState.Queued => "queued for a line",
            JobState.InProgress => "sending",
            JobState.WaitingToRetry => $"retrying at {(job.NextAttemptAt is { } next ? Format.Time(next) : "the next chance")}" + (job.LastError is null ? "" : $" ({job.LastError})"),
            JobState.Done when job.IsInternal => "delivered to the mailbox",
            JobState.Done => $"done: {job.PagesSent} of {job.PageCount} page(s) sent",
            JobState.Failed => $"failed: {job.LastError ?? "no reason given"}",
            JobState.Cancelled => $"stopped: {job.LastError ?? "by a user"}",
            _ => job.State.Describe(),
        };
    }

    /// <summary>Live progress of a call, or the new state with the post office's message.</summary>
    public static string Describe(JobUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Call is { } call)
        {
            return call.Phase switch
            {
                CallPhase.Dialling => "dialling",
                CallPhase.Connected => call.RemoteId is { Length: > 0 } id ? $"connected to {id}" : "connected",
                CallPhase.SendingPage => $"sending page {call.Page} of {call.Pages}",
                CallPhase.PageConfirmed => $"page {call.Page} of {call.Pages} confirmed",
                CallPhase.Finishing => "finishing the call",
                _ => update.Message,
            };
        }

        return update.State switch
        {
            JobState.Converting => "converting the documents",
            JobState.Queued => "queued for a line",
            _ => string.IsNullOrEmpty(update.Message) ? update.State.Describe() : $"{update.State.Describe()}: {update.Message}",
        };
    }

    /// <summary>CSS class of the state (state-done, state-failed, ...).</summary>
    public static string CssClass(JobState state) => "state state-" + state.ToString().ToLowerInvariant();
}
