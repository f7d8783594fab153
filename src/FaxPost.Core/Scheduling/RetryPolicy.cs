using FaxPost.Core.Configuration;
using FaxPost.Core.Lines;

namespace FaxPost.Core.Scheduling;

/// <summary>What happens after a failed attempt: busy and no-answer retry later, permanent failures do not.</summary>
public sealed class RetryPolicy(RetryOptions options)
{
    public static bool IsRetryable(CallResult result) =>
        result is CallResult.Busy or CallResult.NoAnswer or CallResult.LineUnavailable or CallResult.TemporaryFailure;

    /// <summary>Delay before try number <paramref name="triesSoFar"/> + 1, growing by the back-off factor.</summary>
    public TimeSpan DelayAfter(CallResult result, int triesSoFar)
    {
        TimeSpan baseDelay = result switch
        {
            CallResult.Busy => options.BusyDelay,
            CallResult.NoAnswer => options.NoAnswerDelay,
            _ => options.FailureDelay,
        };
        double factor = Math.Pow(options.Backoff, Math.Max(0, triesSoFar - 1));
        return TimeSpan.FromTicks((long)Math.Min(baseDelay.Ticks * factor, TimeSpan.FromDays(1).Ticks));
    }
}
