namespace FaxPost.Core.Inbound;

public enum InboundState
{
    /// <summary>Routed to a mailbox, not yet delivered by mail/folder.</summary>
    Routed = 1,
    Delivered = 2,
    /// <summary>In the fax post office's queue (see <see cref="UnroutableReason"/>).</summary>
    Unroutable = 3,
    HandedOff = 4,
    Deleted = 5,
}

/// <summary>Why a fax could not be routed (seed 000's three examples, and a failed delivery).</summary>
public enum UnroutableReason
{
    None = 0,
    UnknownExtension = 1,
    RecipientLeft = 2,
    UnknownSender = 3,
    DeliveryFailed = 4,
}

/// <summary>A received fax (or an internal fax delivered without a line).</summary>
public sealed class InboundFax
{
    public long Id { get; set; }

    /// <summary>The mailbox it belongs to; null while it waits in the fax post office.</summary>
    public long? MailboxId { get; set; }

    public string? CallerNumber { get; set; }

    /// <summary>The sender's transmitting subscriber identification (TSI / CSID).</summary>
    public string? SenderId { get; set; }

    public string? DialledNumber { get; set; }

    /// <summary>T.30 SUB (sub-address), if sent.</summary>
    public string? SubAddress { get; set; }

    public int Pages { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public InboundState State { get; set; } = InboundState.Routed;

    public UnroutableReason Reason { get; set; }

    /// <summary>Relative path of the TIFF-F in the document store.</summary>
    public required string Document { get; set; }

    /// <summary>Set for internal faxes: the job that produced it.</summary>
    public long? FromJobId { get; set; }

    /// <summary>True when the call ended before every page was confirmed (pages holds what arrived).</summary>
    public bool Partial { get; set; }

    /// <summary>The note given with the last hand-off.</summary>
    public string? Note { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One line of an inbound fax's history (routing, reads, hand-offs, deletion — the audit trail).</summary>
public sealed class InboundEvent
{
    public long Id { get; set; }

    public long FaxId { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>routed, unroutable, delivered, read, handed-off, deleted, ...</summary>
    public required string Kind { get; set; }

    public long? UserId { get; set; }

    public required string Message { get; set; }
}
