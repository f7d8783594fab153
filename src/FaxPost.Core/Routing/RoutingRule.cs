namespace FaxPost.Core.Routing;

public enum RoutingMatch
{
    /// <summary>The caller's number (CLIP) equals or starts with the pattern.</summary>
    SenderNumber = 1,
    /// <summary>The sender's TSI/CSID equals the pattern (spaces ignored).</summary>
    SenderId = 2,
    /// <summary>The T.30 sub-address equals the pattern.</summary>
    SubAddress = 3,
}

/// <summary>An administrator's rule sending faxes to a mailbox (seed 000: forwarding by CSID).</summary>
public sealed class RoutingRule
{
    public long Id { get; set; }

    public RoutingMatch Match { get; set; }

    public required string Pattern { get; set; }

    public long MailboxId { get; set; }

    /// <summary>Lower runs first.</summary>
    public int Order { get; set; }
}
