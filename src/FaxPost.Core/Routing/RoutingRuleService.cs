using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Routing;

/// <summary>
/// The administrator's routing rules (seed 000: forwarding by CSID) for every front door: the fax
/// post office may read them and ask where a fax would go; only administrators change them.
/// </summary>
public sealed class RoutingRuleService(IPostOfficeStore store, InboundRouter router)
{
    /// <summary>The rules in the order the router tries them.</summary>
    public async Task<IReadOnlyList<RoutingRule>> ListAsync(Principal by, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        return (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).OrderBy(r => r.Order).ThenBy(r => r.Id).ToList();
    }

    /// <summary>Creates (Id 0) or changes a rule.</summary>
    public async Task<RoutingRule> SaveAsync(Principal by, RoutingRule rule, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (rule.Id != 0 && (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).All(r => r.Id != rule.Id))
        {
            throw new NotFoundException($"There is no routing rule {rule.Id}.");
        }

        if (!Enum.IsDefined(rule.Match))
        {
            throw new ValidationException("A rule matches the sender number, the sender ID (TSI) or the sub-address.");
        }

        string pattern = rule.Pattern?.Trim() ?? "";
        if (pattern.Length is < 1 or > 64)
        {
            throw new ValidationException("A routing pattern has 1 to 64 characters.");
        }

        if (rule.Match != RoutingMatch.SenderId && !pattern.Any(char.IsAsciiDigit))
        {
            throw new ValidationException($"'{pattern}' has no digits: a number or sub-address rule needs some.");
        }

        _ = await store.Mailboxes.GetAsync(rule.MailboxId, ct).ConfigureAwait(false) ?? throw new ValidationException($"There is no mailbox {rule.MailboxId}.");
        rule.Pattern = pattern;
        rule.Id = await store.RoutingRules.SaveAsync(rule, ct).ConfigureAwait(false);
        return rule;
    }

    public async Task DeleteAsync(Principal by, long id, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (!await store.RoutingRules.DeleteAsync(id, ct).ConfigureAwait(false))
        {
            throw new NotFoundException($"There is no routing rule {id}.");
        }
    }

    /// <summary>Where a fax with these call details would go now, decided by the real router (nothing is stored).</summary>
    public async Task<RoutingDecision> TestAsync(Principal by, string? dialledNumber, string? callerNumber, string? senderId, string? subAddress, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        return await router.RouteAsync(Blank(dialledNumber), Blank(callerNumber), Blank(senderId), Blank(subAddress), ct).ConfigureAwait(false);
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
