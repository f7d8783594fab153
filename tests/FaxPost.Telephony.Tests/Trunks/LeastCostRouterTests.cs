using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class LeastCostRouterTests
{
    private static SipTrunkOptions T(string name, params (string Prefix, int Cost)[] routes) =>
        TrunkTestData.Trunk(name, t => t.Routes = routes.Select(r => new TrunkRoute { Prefix = r.Prefix, Cost = r.Cost }).ToList());

    private static string[] Names(IReadOnlyList<SipTrunkOptions> trunks) => trunks.Select(t => t.Name).ToArray();

    [Fact]
    public void The_cheapest_trunk_comes_first_and_the_rest_are_the_fall_back_order()
    {
        var router = new LeastCostRouter([T("expensive", ("+", 10)), T("national", ("+49", 1)), T("local", ("+4989", 0), ("+49", 5))]);

        Assert.Equal(["local", "national", "expensive"], Names(router.Candidates("+4989555123")));
        Assert.Equal(["national", "local", "expensive"], Names(router.Candidates("+4930555123")));
        Assert.Equal(["expensive"], Names(router.Candidates("+33155512345")));
    }

    [Fact]
    public void The_longest_matching_prefix_sets_a_trunks_price()
    {
        // +4915 (mobile) is dear on this trunk even though +49 is cheap.
        var router = new LeastCostRouter([T("a", ("+49", 1), ("+4915", 9)), T("b", ("+49", 3))]);

        Assert.Equal(["b", "a"], Names(router.Candidates("+4915112345678")));
        Assert.Equal(["a", "b"], Names(router.Candidates("+4930123456")));
    }

    [Fact]
    public void Equal_prices_keep_the_configured_order()
    {
        var router = new LeastCostRouter([T("first"), T("second"), T("third", ("+", 0))]);

        Assert.Equal(["first", "second", "third"], Names(router.Candidates("+4930123456")));
    }

    [Fact]
    public void A_number_no_route_matches_is_not_served()
    {
        var router = new LeastCostRouter([T("de", ("+49", 0)), T("at", ("+43", 0))]);

        Assert.True(router.Serves("+4312345678"));
        Assert.False(router.Serves("+4112345678"));
        Assert.Empty(router.Candidates("+4112345678"));
    }
}
