using FaxPost.Core.Inbound;

namespace FaxPost.Web.Ui;

/// <summary>Received faxes in words for people.</summary>
public static class FaxWords
{
    /// <summary>Who sent it: the sender ID (TSI) and the calling number, as far as known.</summary>
    public static string Sender(InboundFax fax)
    {
        ArgumentNullException.ThrowIfNull(fax);
        string? id = string.IsNullOrWhiteSpace(fax.SenderId) ? null : fax.SenderId.Trim();
        string? number = string.IsNullOrWhiteSpace(fax.CallerNumber) ? null : fax.CallerNumber.Trim();
        return (id, number) switch
        {
            (null, null) => "unknown sender",
            ({ } i, null) => i,
            (null, { } n) => n,
            ({ } i, { } n) when i == n => i,
            ({ } i, { } n) => $"{i} ({n})",
        };
    }

    /// <summary>Why the fax post office has it (seed 000's cases).</summary>
    public static string Reason(InboundFax fax)
    {
        ArgumentNullException.ThrowIfNull(fax);
        return fax.Reason switch
        {
            UnroutableReason.UnknownExtension => $"wrong extension: nobody has the dialled number {fax.DialledNumber ?? "(none)"}",
            UnroutableReason.RecipientLeft => $"the recipient has left (dialled {fax.DialledNumber ?? "no number"})",
            UnroutableReason.UnknownSender => "unknown sender ID: no rule says where faxes from this sender go",
            UnroutableReason.DeliveryFailed => "delivery to the mailbox failed",
            _ => "no mailbox was found for it",
        };
    }

    public static string State(InboundFax fax)
    {
        ArgumentNullException.ThrowIfNull(fax);
        string state = fax.State switch
        {
            InboundState.Routed => "received",
            InboundState.Delivered => "delivered",
            InboundState.Unroutable => "waiting in the fax post office",
            InboundState.HandedOff => "handed over",
            InboundState.Deleted => "deleted",
            _ => fax.State.ToString(),
        };
        return fax.Partial ? state + " (incomplete: the call ended early)" : state;
    }
}
