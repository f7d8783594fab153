using FaxPost.Telephony.Trunks;
using Microsoft.Extensions.Configuration;

namespace FaxPost.Cli.Server;

/// <summary>
/// Binds the "Sip" section. The configuration binder silently drops a list item it cannot
/// convert (a trunk with "T38": "sometimes" would vanish), so every list item is bound on its own
/// and a failure is reported with the item's key.
/// </summary>
internal static class SipConfiguration
{
    public static SipOptions Bind(IConfigurationSection section, List<string> errors)
    {
        var sip = new SipOptions();
        Try(() => sip.RateLimit = Bound(section.GetSection("RateLimit"), new SipRateLimitOptions()), "Sip:RateLimit", errors);
        Try(() => sip.PublicAddress = section["PublicAddress"] ?? sip.PublicAddress, "Sip:PublicAddress", errors);
        sip.Listen = Each(section.GetSection("Listen"), "Sip:Listen", errors, (s, _) => Bound(s, new SipListenOptions()));
        sip.Trunks = Each(section.GetSection("Trunks"), "Sip:Trunks", errors, (s, key) =>
        {
            var trunk = new SipTrunkOptions();
            foreach (var child in s.GetChildren().Where(c => c.Key is not ("Routes" or "InboundAddresses")))
            {
                Try(() => BindProperty(trunk, child), $"{key}:{child.Key}", errors);
            }

            trunk.Routes = Each(s.GetSection("Routes"), key + ":Routes", errors, (r, _) => Bound(r, new TrunkRoute()));
            trunk.InboundAddresses = s.GetSection("InboundAddresses").GetChildren().Select(c => c.Value ?? "").ToList();
            return trunk;
        });
        return sip;
    }

    private static T Bound<T>(IConfigurationSection section, T target)
        where T : class
    {
        section.Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        return target;
    }

    private static void BindProperty(SipTrunkOptions trunk, IConfigurationSection child)
    {
        // Bind one key at a time through a one-key view, so an error names the key.
        var single = new ConfigurationBuilder().AddInMemoryCollection([new(child.Key, child.Value)]).Build();
        single.Bind(trunk, o => o.ErrorOnUnknownConfiguration = true);
    }

    private static List<T> Each<T>(IConfigurationSection list, string key, List<string> errors, Func<IConfigurationSection, string, T> bind)
    {
        var items = new List<T>();
        foreach (var child in list.GetChildren())
        {
            var itemKey = $"{key}:{child.Key}";
            try
            {
                items.Add(bind(child, itemKey));
            }
            catch (InvalidOperationException e)
            {
                errors.Add($"{itemKey} has a value of the wrong kind: {e.InnerException?.Message ?? e.Message}");
            }
        }

        return items;
    }

    private static void Try(Action bind, string key, List<string> errors)
    {
        try
        {
            bind();
        }
        catch (InvalidOperationException e)
        {
            errors.Add($"{key} has a value of the wrong kind: {e.InnerException?.Message ?? e.Message}");
        }
    }
}
