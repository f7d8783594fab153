using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Numbering;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Routing;

/// <summary>Where a fax goes: a mailbox, or the fax post office with a reason.</summary>
public readonly record struct RoutingDecision(long? MailboxId, UnroutableReason Reason, string Explanation)
{
    public bool Routed => MailboxId is not null;
}

/// <summary>
/// Decides where an incoming fax goes. Order: the administrator's rules (sub-address, sender TSI,
/// sender number — seed 000's forwarding by CSID), then the dialled extension; a fax to an unknown
/// extension, to a user who has left, or to the general number from a sender no rule knows lands
/// in the fax post office with that reason (seed 000's three examples).
/// </summary>
public sealed class InboundRouter(IPostOfficeStore store, OrganisationNumbering numbering)
{
    public async Task<RoutingDecision> RouteAsync(string? dialledNumber, string? callerNumber, string? senderId, string? subAddress, CancellationToken ct)
    {
        foreach (var rule in (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).OrderBy(r => r.Order).ThenBy(r => r.Id))
        {
            if (Matches(rule, callerNumber, senderId, subAddress))
            {
                var target = await CheckMailboxAsync(rule.MailboxId, ct).ConfigureAwait(false);
                return target.Routed
                    ? target with { Explanation = $"rule {rule.Id}: {Describe(rule)}" }
                    : target;
            }
        }

        string? extension = ExtensionOf(dialledNumber);
        if (extension is null && !string.IsNullOrEmpty(subAddress) && subAddress.All(char.IsAsciiDigit))
        {
            // T.30 SUB carries the extension when the line has only one number (ITU-T T.33).
            extension = subAddress;
        }

        if (extension is null)
        {
            return new RoutingDecision(null, UnroutableReason.UnknownSender,
                $"sent to the general number by '{senderId ?? callerNumber ?? "unknown"}', and no rule knows this sender");
        }

        var mailbox = await store.Mailboxes.FindByExtensionAsync(extension, ct).ConfigureAwait(false);
        if (mailbox is null)
        {
            return new RoutingDecision(null, UnroutableReason.UnknownExtension, $"extension {extension} does not exist");
        }

        var decision = await CheckMailboxAsync(mailbox.Id, ct).ConfigureAwait(false);
        return decision.Routed ? decision with { Explanation = $"extension {extension}" } : decision;
    }

    /// <summary>Extension digits of a dialled number: one of ours in E.164 or national form, or a bare extension.</summary>
    public string? ExtensionOf(string? dialledNumber)
    {
        if (string.IsNullOrWhiteSpace(dialledNumber))
        {
            return null;
        }

        var parsed = numbering.Parse(dialledNumber);
        return parsed.Kind == NumberKind.Extension && parsed.ExtensionDigits!.Length > 0 ? parsed.ExtensionDigits : null;
    }

    private async Task<RoutingDecision> CheckMailboxAsync(long mailboxId, CancellationToken ct)
    {
        var mailbox = await store.Mailboxes.GetAsync(mailboxId, ct).ConfigureAwait(false);
        if (mailbox is null)
        {
            return new RoutingDecision(null, UnroutableReason.UnknownExtension, $"mailbox {mailboxId} no longer exists");
        }

        if (mailbox.OwnerKind == MailboxOwnerKind.User)
        {
            var user = await store.Users.GetAsync(mailbox.OwnerId, ct).ConfigureAwait(false);
            if (user is null || !user.Active)
            {
                return new RoutingDecision(null, UnroutableReason.RecipientLeft, $"'{mailbox.Name}' is no longer a member of the organisation");
            }
        }

        return new RoutingDecision(mailbox.Id, UnroutableReason.None, mailbox.Name);
    }

    private static bool Matches(RoutingRule rule, string? callerNumber, string? senderId, string? subAddress) => rule.Match switch
    {
        RoutingMatch.SenderId => senderId is not null && Squeeze(senderId) == Squeeze(rule.Pattern),
        RoutingMatch.SenderNumber => callerNumber is not null && Digits(callerNumber).StartsWith(Digits(rule.Pattern), StringComparison.Ordinal) && Digits(rule.Pattern).Length > 0,
        RoutingMatch.SubAddress => subAddress is not null && subAddress.Trim() == rule.Pattern.Trim(),
        _ => false,
    };

    private static string Describe(RoutingRule rule) => rule.Match switch
    {
        RoutingMatch.SenderId => $"sender ID is '{rule.Pattern}'",
        RoutingMatch.SenderNumber => $"caller number starts with {rule.Pattern}",
        RoutingMatch.SubAddress => $"sub-address is {rule.Pattern}",
        _ => rule.Match.ToString(),
    };

    private static string Squeeze(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());

    private static string Digits(string s) => new(s.Where(char.IsAsciiDigit).ToArray());
}
