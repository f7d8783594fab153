namespace FaxPost.Core.Rights;

/// <summary>
/// Rights on one mailbox (seed 002, BSI M 5.73): incoming faxes may be read, handed off and deleted;
/// outgoing faxes may be sent, stopped, deleted and have their send options changed.
/// </summary>
[Flags]
public enum MailboxRights
{
    None = 0,
    ReadIncoming = 1 << 0,
    HandOffIncoming = 1 << 1,
    DeleteIncoming = 1 << 2,
    Send = 1 << 3,
    StopOutgoing = 1 << 4,
    DeleteOutgoing = 1 << 5,
    ChangeSendOptions = 1 << 6,

    AllIncoming = ReadIncoming | HandOffIncoming | DeleteIncoming,
    AllOutgoing = Send | StopOutgoing | DeleteOutgoing | ChangeSendOptions,
    All = AllIncoming | AllOutgoing,
}

public enum GranteeKind
{
    User = 1,
    Team = 2,
}

/// <summary>Rights on a mailbox granted to a user or to every member of a team.</summary>
public sealed class Grant
{
    public long Id { get; set; }

    public long MailboxId { get; set; }

    public GranteeKind GranteeKind { get; set; }

    public long GranteeId { get; set; }

    public MailboxRights Rights { get; set; }
}
