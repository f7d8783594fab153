using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Routing;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>The console's words for post office values (reasons, rule kinds, mailbox labels).</summary>
public static class ConsoleWords
{
    /// <summary>Why a fax waits in the post office (seed 000's three cases, and a failed delivery).</summary>
    public static string Reason(UnroutableReason reason) => reason switch
    {
        UnroutableReason.UnknownExtension => "Wrong extension",
        UnroutableReason.RecipientLeft => "Recipient has left",
        UnroutableReason.UnknownSender => "Unknown sender ID",
        UnroutableReason.DeliveryFailed => "Delivery failed",
        _ => "Not routed",
    };

    public static string Match(RoutingMatch match) => match switch
    {
        RoutingMatch.SenderNumber => "Sender number starts with",
        RoutingMatch.SenderId => "Sender ID (TSI) is",
        RoutingMatch.SubAddress => "Sub-address / extension is",
        _ => match.ToString(),
    };

    public static string Mailbox(Mailbox mailbox) =>
        mailbox.Name + (mailbox.OwnerKind == MailboxOwnerKind.Team ? " (team)" : "") + (mailbox.Extension is { } e ? $" – ext. {e}" : "");
}
