using FaxPost.Core.Configuration;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Numbering;

/// <summary>
/// Which outside numbers a sender may fax (seed 002: no faxes at our cost where they should not
/// go): prefixes nobody may dial (premium rate, ...), and per team "national only" and further
/// blocked prefixes. Checked by the post office for every front door; internal extensions are
/// never restricted.
/// </summary>
public sealed class DialingPolicy(DialingOptions options, NumberingOptions numbering, IPostOfficeStore store)
{
    /// <summary>Null when allowed, else the reason in words.</summary>
    public async Task<string?> RefusalAsync(Principal by, string e164, CancellationToken ct)
    {
        foreach (string prefix in options.BlockedPrefixes)
        {
            if (Matches(e164, prefix))
            {
                return $"numbers starting with {prefix} may not be faxed from here";
            }
        }

        if (options.TeamRules.Count == 0 || by.TeamIds.Count == 0)
        {
            return null;
        }

        var teams = (await store.Teams.ListAsync(ct).ConfigureAwait(false)).Where(t => by.TeamIds.Contains(t.Id)).ToList();
        foreach (var rule in options.TeamRules)
        {
            var team = teams.FirstOrDefault(t => string.Equals(t.Name, rule.Team, StringComparison.OrdinalIgnoreCase));
            if (team is null)
            {
                continue;
            }

            if (rule.NationalOnly && !e164.StartsWith("+" + numbering.CountryCode, StringComparison.Ordinal))
            {
                return $"members of '{team.Name}' may fax only national numbers";
            }

            foreach (string prefix in rule.BlockedPrefixes)
            {
                if (Matches(e164, prefix))
                {
                    return $"members of '{team.Name}' may not fax numbers starting with {prefix}";
                }
            }
        }

        return null;
    }

    private static bool Matches(string e164, string prefix)
    {
        string digits = new(prefix.Where(c => char.IsAsciiDigit(c)).ToArray());
        return digits.Length > 0 && e164.AsSpan(1).StartsWith(digits, StringComparison.Ordinal);
    }
}
