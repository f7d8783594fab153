namespace FaxPost.Core.Jobs;

/// <summary>Life of an outbound job: submitted → converting → queued → in progress → done / failed / cancelled,
/// with waiting-to-retry between attempts.</summary>
public enum JobState
{
    Submitted = 1,
    Converting = 2,
    Queued = 3,
    InProgress = 4,
    WaitingToRetry = 5,
    Done = 6,
    Failed = 7,
    Cancelled = 8,
}

public static class JobStates
{
    public static bool IsFinal(this JobState state) => state is JobState.Done or JobState.Failed or JobState.Cancelled;

    /// <summary>States in which the scheduler may start an attempt.</summary>
    public static bool IsRunnable(this JobState state) => state is JobState.Queued or JobState.WaitingToRetry;

    public static string Describe(this JobState state) => state switch
    {
        JobState.Submitted => "submitted",
        JobState.Converting => "converting",
        JobState.Queued => "queued",
        JobState.InProgress => "in progress",
        JobState.WaitingToRetry => "waiting to retry",
        JobState.Done => "done",
        JobState.Failed => "failed",
        JobState.Cancelled => "cancelled",
        _ => state.ToString(),
    };
}
