using System.Net;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class InboundCallGuardTests
{
    private static readonly SipRequest Invite = TrunkTestData.Invite("sip:+4989123411@faxpost.example");

    private static InboundCallGuard Guard(double rate = 10, int burst = 5, int maxSources = 100)
    {
        var carrier = TrunkTestData.Trunk("carrier");
        var pbx = TrunkTestData.Trunk("pbx", t => t.InboundAddresses = ["192.0.2.40"]);
        AddressRange.TryParse("192.0.2.0/24", out var carrierNet);
        AddressRange.TryParse("192.0.2.40", out var pbxHost);
        return new InboundCallGuard(
            [(carrier, [carrierNet, AddressRange.Single(IPAddress.Parse("203.0.113.5"))]), (pbx, [pbxHost])],
            new SipRateLimitOptions { RequestsPerSecond = rate, Burst = burst, MaxSources = maxSources });
    }

    [Fact]
    public void A_trunk_address_is_accepted_and_named()
    {
        var verdict = Guard().Check(Invite, IPAddress.Parse("203.0.113.5"), TimeSpan.Zero);

        Assert.True(verdict.Accepted);
        Assert.Equal("carrier", verdict.Trunk!.Name);
        Assert.False(verdict.Log);
    }

    [Fact]
    public void The_most_specific_range_picks_the_trunk()
    {
        var guard = Guard();

        Assert.Equal("pbx", guard.TrunkOf(IPAddress.Parse("192.0.2.40"))!.Name);
        Assert.Equal("carrier", guard.TrunkOf(IPAddress.Parse("::ffff:192.0.2.41"))!.Name);
    }

    [Fact]
    public void A_stranger_gets_403_and_a_log_line()
    {
        var verdict = Guard().Check(Invite, IPAddress.Parse("198.51.100.7"), TimeSpan.Zero);

        Assert.Equal(InboundVerdictKind.Reject, verdict.Kind);
        Assert.Equal(403, verdict.Status);
        Assert.True(verdict.Log);
        Assert.Contains("198.51.100.7", verdict.Reason, StringComparison.Ordinal);
        Assert.Null(verdict.Trunk);
    }

    [Fact]
    public void A_strangers_ack_is_never_answered()
    {
        var ack = (SipRequest)SipMessageParser.ParseDatagram(
            "ACK sip:+4989123411@faxpost.example SIP/2.0\r\nVia: SIP/2.0/UDP 198.51.100.7;branch=z9hG4bKx\r\nMax-Forwards: 70\r\n" +
            "To: <sip:a@b>;tag=1\r\nFrom: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n").Message!;

        var verdict = Guard().Check(ack, IPAddress.Parse("198.51.100.7"), TimeSpan.Zero);

        Assert.Equal(InboundVerdictKind.Drop, verdict.Kind);
        Assert.Equal(0, verdict.Status);
    }

    [Fact]
    public void A_flood_is_dropped_after_the_burst_logged_once_and_let_through_again_later()
    {
        var guard = Guard(rate: 2, burst: 3);
        var source = IPAddress.Parse("192.0.2.9");
        var verdicts = Enumerable.Range(0, 10).Select(_ => guard.Check(Invite, source, TimeSpan.FromSeconds(1))).ToList();

        Assert.All(verdicts.Take(3), v => Assert.True(v.Accepted));
        Assert.All(verdicts.Skip(3), v => Assert.Equal(InboundVerdictKind.Drop, v.Kind));
        Assert.Single(verdicts, v => v.Log);

        // Half a second at 2/s refills one token.
        Assert.True(guard.Check(Invite, source, TimeSpan.FromSeconds(1.5)).Accepted);
        Assert.Equal(InboundVerdictKind.Drop, guard.Check(Invite, source, TimeSpan.FromSeconds(1.5)).Kind);
    }

    [Fact]
    public void One_source_flooding_does_not_stop_another()
    {
        var guard = Guard(rate: 1, burst: 1);
        var flooder = IPAddress.Parse("198.51.100.7");
        for (var i = 0; i < 100; i++)
        {
            guard.Check(Invite, flooder, TimeSpan.Zero);
        }

        Assert.True(guard.Check(Invite, IPAddress.Parse("192.0.2.9"), TimeSpan.Zero).Accepted);
    }
}
