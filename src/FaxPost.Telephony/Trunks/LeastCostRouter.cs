namespace FaxPost.Telephony.Trunks;

/// <summary>
/// Least-cost routing by number prefix: for a destination, each trunk's price is the cost of its
/// longest matching route; trunks are tried cheapest first, equal prices in configured order, and
/// the rest of the list is the fall-back order when a trunk is down or full.
/// </summary>
public sealed class LeastCostRouter
{
    private readonly IReadOnlyList<SipTrunkOptions> _trunks;

    public LeastCostRouter(IReadOnlyList<SipTrunkOptions> trunks)
    {
        ArgumentNullException.ThrowIfNull(trunks);
        _trunks = trunks;
    }

    public bool Serves(string e164) => _trunks.Any(t => CostOf(t, e164) is not null);

    /// <summary>The trunks that carry <paramref name="e164"/>, in the order to try them.</summary>
    public IReadOnlyList<SipTrunkOptions> Candidates(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        var found = new List<(SipTrunkOptions Trunk, int Cost, int Order)>();
        for (var i = 0; i < _trunks.Count; i++)
        {
            if (CostOf(_trunks[i], e164) is int cost)
            {
                found.Add((_trunks[i], cost, i));
            }
        }

        found.Sort(static (a, b) => a.Cost != b.Cost ? a.Cost.CompareTo(b.Cost) : a.Order.CompareTo(b.Order));
        return found.ConvertAll(f => f.Trunk);
    }

    /// <summary>The cost of the longest route of <paramref name="trunk"/> matching the number, or null when none does.</summary>
    public static int? CostOf(SipTrunkOptions trunk, string e164)
    {
        if (trunk.Routes.Count == 0)
        {
            return 0;
        }

        TrunkRoute? best = null;
        foreach (var route in trunk.Routes)
        {
            if (e164.StartsWith(route.Prefix, StringComparison.Ordinal) && (best is null || route.Prefix.Length > best.Prefix.Length))
            {
                best = route;
            }
        }

        return best?.Cost;
    }
}
