using FaxPost.Core.Lines;
using FaxPost.Core.Scheduling;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class SipCallFailureTests
{
    [Theory]
    [InlineData(486, CallResult.Busy, false, true)]
    [InlineData(600, CallResult.Busy, false, true)]
    [InlineData(408, CallResult.NoAnswer, false, true)]
    [InlineData(480, CallResult.NoAnswer, false, true)]
    [InlineData(404, CallResult.PermanentFailure, false, false)]
    [InlineData(484, CallResult.PermanentFailure, false, false)]
    [InlineData(604, CallResult.PermanentFailure, false, false)]
    [InlineData(503, CallResult.LineUnavailable, true, true)]
    [InlineData(500, CallResult.LineUnavailable, true, true)]
    [InlineData(403, CallResult.LineUnavailable, true, true)]
    [InlineData(407, CallResult.LineUnavailable, true, true)]
    [InlineData(488, CallResult.PermanentFailure, true, false)]
    [InlineData(487, CallResult.TemporaryFailure, false, true)]
    [InlineData(302, CallResult.TemporaryFailure, false, true)]
    [InlineData(499, CallResult.TemporaryFailure, false, true)]
    public void Final_statuses_map_to_the_retry_policy(int status, CallResult result, bool anotherTrunk, bool retried)
    {
        var failure = SipCallFailure.FromStatus(status);

        Assert.Equal(result, failure.Result);
        Assert.Equal(anotherTrunk, failure.TryAnotherTrunk);
        Assert.Equal(retried, RetryPolicy.IsRetryable(failure.Result));
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void The_far_ends_own_words_are_kept()
    {
        Assert.Equal("busy (486 Line in use)", SipCallFailure.FromStatus(486, " Line in use ").Reason);
        Assert.Equal("busy (486 Busy Here)", SipCallFailure.FromStatus(486).Reason);
    }

    [Fact]
    public void A_silent_trunk_is_retried_elsewhere()
    {
        var down = SipCallFailure.TrunkDown("carrier", "no response to INVITE within 32 s");
        var unregistered = SipCallFailure.NotRegistered("carrier", "403 Forbidden");

        Assert.Equal(CallResult.LineUnavailable, down.Result);
        Assert.True(down.TryAnotherTrunk);
        Assert.True(unregistered.TryAnotherTrunk);
        Assert.Contains("carrier", down.ToOutcome("sip", TimeSpan.FromSeconds(32)).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answered_call_without_t38_is_a_clear_failure()
    {
        var refused = SipCallFailure.NoT38("the re-INVITE got 488", refused: true);
        var silent = SipCallFailure.NoT38("no re-INVITE from the peer within 20 s", refused: false);

        Assert.Equal(CallResult.PermanentFailure, refused.Result);
        Assert.Equal(CallResult.TemporaryFailure, silent.Result);
        Assert.Contains("audio", refused.Reason, StringComparison.Ordinal);
        Assert.Contains("488", refused.Reason, StringComparison.Ordinal);
    }
}
