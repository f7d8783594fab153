using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;

namespace FaxPost.Storage.Tests.Contract;

/// <summary>Entities with every field filled, for round-trip checks.</summary>
internal static class Sample
{
    /// <summary>Whole milliseconds with a non-UTC offset: the store must keep the instant.</summary>
    public static readonly DateTimeOffset T0 = new(2026, 11, 23, 10, 15, 30, 123, TimeSpan.FromHours(1));

    public static User User(string login) => new()
    {
        Login = login,
        DisplayName = "Display " + login,
        Email = login + "@example.org",
        PasswordHash = "pbkdf2$" + login,
        Roles = Role.Administrator | Role.PostOffice,
        Active = true,
        PinHash = null,
        FailedLogins = 2,
        LockedUntil = T0.AddMinutes(5),
        CreatedAt = T0,
    };

    public static Mailbox Mailbox(string name, long ownerId, string? extension) => new()
    {
        Name = name,
        OwnerKind = MailboxOwnerKind.User,
        OwnerId = ownerId,
        Extension = extension,
        Email = name + "@example.org",
        OutgoingFaxId = "+49 89 1234 " + extension,
        RetentionDays = 30,
        MailPages = false,
        CreatedAt = T0,
    };

    public static FaxJob Job(long mailboxId, long userId, string destination, JobState state = JobState.Submitted) => new()
    {
        MailboxId = mailboxId,
        SubmittedBy = userId,
        Destination = destination,
        DialNumber = "+4989" + destination,
        RecipientName = "Recipient " + destination,
        RecipientCompany = "Company",
        Resolution = Imaging.Conversion.FaxResolution.Superfine,
        Priority = 200,
        NotBefore = T0.AddHours(1),
        MaxTries = 5,
        CoverPage = true,
        Subject = "Subject",
        Note = "Note",
        NotifyAddress = "notify@example.org",
        State = state,
        PageCount = 3,
        CreatedAt = T0,
        UpdatedAt = T0,
    };

    public static JobDocument Document(int order) => new()
    {
        Order = order,
        FileName = $"letter{order}.pdf",
        StoredPath = $"outbound/2026/11/doc{order}.pdf",
        Size = 1000 + order,
        Pages = order + 1,
    };

    public static InboundFax Fax(long? mailboxId, string? senderId, DateTimeOffset at, InboundState state = InboundState.Routed) => new()
    {
        MailboxId = mailboxId,
        CallerNumber = "+4930555" + (senderId?.Length ?? 0),
        SenderId = senderId,
        DialledNumber = "+49891234100",
        SubAddress = "7",
        Pages = 2,
        ReceivedAt = at,
        State = state,
        Reason = state == InboundState.Unroutable ? UnroutableReason.UnknownExtension : UnroutableReason.None,
        Document = "inbound/2026/11/x.tif",
        FromJobId = null,
        Partial = true,
        Note = null,
        UpdatedAt = at,
    };
}
