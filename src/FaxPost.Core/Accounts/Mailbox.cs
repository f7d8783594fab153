namespace FaxPost.Core.Accounts;

public enum MailboxOwnerKind
{
    User = 1,
    Team = 2,
}

/// <summary>
/// A virtual fax machine (seed 003: user fax and team fax): its extension receives faxes,
/// its outgoing fax ID is sent as TSI, its e-mail address receives faxes and confirmations.
/// </summary>
public sealed class Mailbox
{
    public long Id { get; set; }

    public required string Name { get; set; }

    public MailboxOwnerKind OwnerKind { get; set; }

    /// <summary>User or team id, by <see cref="OwnerKind"/>.</summary>
    public long OwnerId { get; set; }

    /// <summary>Fax extension (digits after the base number), unique; null = no incoming number.</summary>
    public string? Extension { get; set; }

    public string? Email { get; set; }

    /// <summary>Outgoing fax ID (TSI), at most 20 characters of digits, '+' and space.</summary>
    public string? OutgoingFaxId { get; set; }

    /// <summary>Days to keep faxes of this mailbox; null = the server default.</summary>
    public int? RetentionDays { get; set; }

    /// <summary>False = mail a notice with a link instead of the pages (health or personal data).</summary>
    public bool MailPages { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }
}
