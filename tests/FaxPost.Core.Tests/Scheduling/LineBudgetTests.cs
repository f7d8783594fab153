using FaxPost.Core.Configuration;
using FaxPost.Core.Lines;
using FaxPost.Core.Scheduling;

namespace FaxPost.Core.Tests.Scheduling;

public sealed class LineBudgetTests
{
    [Fact]
    public void Reserved_lines_stay_free_for_incoming_calls()
    {
        var budget = new LineBudget(total: 4, reservedInbound: 1);

        Assert.True(budget.TryAcquireOutbound());
        Assert.True(budget.TryAcquireOutbound());
        Assert.True(budget.TryAcquireOutbound());
        Assert.False(budget.TryAcquireOutbound());
        Assert.True(budget.TryAcquireInbound());
        Assert.False(budget.TryAcquireInbound());
    }

    [Fact]
    public void Incoming_calls_may_use_every_line_and_then_block_outbound()
    {
        var budget = new LineBudget(total: 2, reservedInbound: 1);

        Assert.True(budget.TryAcquireInbound());
        Assert.True(budget.TryAcquireInbound());
        Assert.False(budget.TryAcquireOutbound());
        budget.ReleaseInbound();
        Assert.True(budget.TryAcquireOutbound());
        Assert.Equal(1, budget.Inbound);
        Assert.Equal(1, budget.Outbound);
    }

    [Fact]
    public void Releasing_more_than_was_taken_is_a_bug_that_is_reported()
    {
        var budget = new LineBudget(1, 0);

        Assert.Throws<InvalidOperationException>(budget.ReleaseOutbound);
        Assert.Throws<InvalidOperationException>(budget.ReleaseInbound);
    }

    [Fact]
    public void A_budget_must_leave_one_line_to_send_on()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineBudget(2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new LineBudget(0, 0));
    }

    [Theory]
    [InlineData(CallResult.Busy, true)]
    [InlineData(CallResult.NoAnswer, true)]
    [InlineData(CallResult.LineUnavailable, true)]
    [InlineData(CallResult.TemporaryFailure, true)]
    [InlineData(CallResult.PermanentFailure, false)]
    public void Busy_and_no_answer_retry_permanent_failures_do_not(CallResult result, bool retry)
    {
        Assert.Equal(retry, RetryPolicy.IsRetryable(result));
    }

    [Fact]
    public void Retry_delays_grow_by_the_back_off_factor()
    {
        var policy = new RetryPolicy(new RetryOptions { BusyDelay = TimeSpan.FromMinutes(3), NoAnswerDelay = TimeSpan.FromMinutes(5), Backoff = 2 });

        Assert.Equal(TimeSpan.FromMinutes(3), policy.DelayAfter(CallResult.Busy, 1));
        Assert.Equal(TimeSpan.FromMinutes(6), policy.DelayAfter(CallResult.Busy, 2));
        Assert.Equal(TimeSpan.FromMinutes(20), policy.DelayAfter(CallResult.NoAnswer, 3));
        Assert.Equal(TimeSpan.FromDays(1), policy.DelayAfter(CallResult.Busy, 60));
    }
}
