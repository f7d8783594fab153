using FaxPost.Fax.T30;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class FaxFallbackTests
{
    private static readonly T30Capabilities Full = new();

    [Fact]
    public void After_N_failures_to_a_destination_the_next_call_is_slower_and_without_ecm()
    {
        var fallback = new FaxFallback();
        var trunk = TrunkTestData.Trunk(change: t => t.FallbackAfterFailures = 2);

        Assert.Same(Full, fallback.For("+4930123456", false, trunk, Full));
        fallback.Record("+4930123456", success: false);
        Assert.Same(Full, fallback.For("+4930123456", false, trunk, Full));
        fallback.Record("+4930123456", success: false);

        var slow = fallback.For("+4930123456", false, trunk, Full);
        Assert.False(slow.Ecm);
        Assert.False(slow.T6);
        Assert.Equal(T30ModemSupport.V27ter | T30ModemSupport.V29, slow.Modems);

        // Another destination is not affected; a success resets the count.
        Assert.Same(Full, fallback.For("+4940999888", false, trunk, Full));
        fallback.Record("+4930123456", success: true);
        Assert.Same(Full, fallback.For("+4930123456", false, trunk, Full));
    }

    [Fact]
    public void The_post_offices_later_try_flag_falls_back_too()
    {
        var trunk = TrunkTestData.Trunk(change: t => t.FallbackMaxBitRate = 4800);

        var slow = new FaxFallback().For("+4930123456", true, trunk, Full);

        Assert.Equal(T30ModemSupport.V27ter, slow.Modems);
        Assert.False(slow.Ecm);
    }

    [Fact]
    public void A_trunk_can_turn_fall_back_off()
    {
        var fallback = new FaxFallback();
        var trunk = TrunkTestData.Trunk(change: t => t.FallbackAfterFailures = 0);
        for (var i = 0; i < 5; i++)
        {
            fallback.Record("+4930123456", success: false);
        }

        Assert.Same(Full, fallback.For("+4930123456", true, trunk, Full));
    }

    [Fact]
    public void A_terminal_with_only_fast_modems_still_gets_a_modem()
    {
        var v17Only = Full with { Modems = T30ModemSupport.V17 };

        Assert.Equal(T30ModemSupport.V27ter, FaxFallback.Slower(v17Only, TrunkTestData.Trunk()).Modems);
    }
}
