using FaxPost.Core.Accounts;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Imaging.Conversion;

namespace FaxPost.Web.Api;

// What the API shows of the post office's records. Domain objects never go out as they are:
// they hold password hashes, token hashes and store paths.

public sealed record JobView(
    long Id,
    long GroupId,
    long MailboxId,
    long SubmittedBy,
    string Destination,
    string DialNumber,
    bool Internal,
    string? RecipientName,
    string? RecipientCompany,
    FaxResolution Resolution,
    int Priority,
    DateTimeOffset? NotBefore,
    int MaxTries,
    bool CoverPage,
    string? Subject,
    string? Note,
    string? NotifyAddress,
    JobState State,
    bool Final,
    int Tries,
    DateTimeOffset? NextAttemptAt,
    int PageCount,
    int PagesSent,
    string? LastError,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt)
{
    public static JobView Of(FaxJob j) => new(
        j.Id, j.GroupId, j.MailboxId, j.SubmittedBy, j.Destination, j.DialNumber, j.IsInternal, j.RecipientName, j.RecipientCompany,
        j.Resolution, j.Priority, j.NotBefore, j.MaxTries, j.CoverPage, j.Subject, j.Note, j.NotifyAddress, j.State, j.State.IsFinal(),
        j.Tries, j.NextAttemptAt, j.PageCount, j.PagesSent, j.LastError, j.CreatedAt, j.UpdatedAt, j.CompletedAt);
}

public sealed record SubmissionView(long GroupId, IReadOnlyList<JobView> Jobs);

public sealed record JobEventView(DateTimeOffset At, JobState State, string Message)
{
    public static JobEventView Of(JobEvent e) => new(e.At, e.State, e.Message);
}

/// <summary>One server-sent progress event: the job's state, a line for people, and call progress when a call runs.</summary>
public sealed record ProgressView(long JobId, JobState State, bool Final, string Message, string? Phase, int? Page, int? Pages, string? Reason, DateTimeOffset At);

public sealed record FaxView(
    long Id,
    long? MailboxId,
    string? CallerNumber,
    string? SenderId,
    string? DialledNumber,
    string? SubAddress,
    int Pages,
    DateTimeOffset ReceivedAt,
    InboundState State,
    UnroutableReason Reason,
    long? FromJobId,
    bool Partial,
    string? Note,
    DateTimeOffset UpdatedAt)
{
    public static FaxView Of(InboundFax f) => new(
        f.Id, f.MailboxId, f.CallerNumber, f.SenderId, f.DialledNumber, f.SubAddress, f.Pages, f.ReceivedAt, f.State, f.Reason, f.FromJobId, f.Partial, f.Note, f.UpdatedAt);
}

public sealed record FaxEventView(DateTimeOffset At, string Kind, long? UserId, string Message)
{
    public static FaxEventView Of(InboundEvent e) => new(e.At, e.Kind, e.UserId, e.Message);
}

public sealed record UserView(long Id, string Login, string DisplayName, string? Email, IReadOnlyList<string> Roles, bool Active, DateTimeOffset? LockedUntil, DateTimeOffset CreatedAt)
{
    public static UserView Of(User u) => new(u.Id, u.Login, u.DisplayName, u.Email, Names.Roles(u.Roles), u.Active, u.LockedUntil, u.CreatedAt);
}

public sealed record TeamView(long Id, string Name, string? Email, IReadOnlyList<long> Members, DateTimeOffset CreatedAt);

public sealed record MailboxView(long Id, string Name, MailboxOwnerKind OwnerKind, long OwnerId, string? Extension, string? Email, string? OutgoingFaxId, int? RetentionDays, bool MailPages)
{
    public static MailboxView Of(Mailbox m) => new(m.Id, m.Name, m.OwnerKind, m.OwnerId, m.Extension, m.Email, m.OutgoingFaxId, m.RetentionDays, m.MailPages);
}

public sealed record MyMailboxView(long Id, string Name, MailboxOwnerKind OwnerKind, string? Extension, bool Personal, IReadOnlyList<string> Rights);

public sealed record MeView(long Id, string Login, string DisplayName, string? Email, IReadOnlyList<string> Roles, IReadOnlyList<long> Teams, IReadOnlyList<MyMailboxView> Mailboxes);

public sealed record GrantView(long MailboxId, GranteeKind GranteeKind, long GranteeId, IReadOnlyList<string> Rights)
{
    public static GrantView Of(Grant g) => new(g.MailboxId, g.GranteeKind, g.GranteeId, Names.Rights(g.Rights));
}

public sealed record TokenView(long Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt)
{
    public static TokenView Of(ApiToken t) => new(t.Id, t.Name, t.CreatedAt, t.ExpiresAt, t.LastUsedAt);
}

/// <summary>A new token: the secret is shown here once and never again.</summary>
public sealed record NewTokenView(long Id, string Name, string Secret, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

public sealed record ContactView(long Id, bool Central, string Name, string? Company, string? FaxNumber, string? Email)
{
    public static ContactView Of(Contact c) => new(c.Id, c.OwnerUserId is null, c.Name, c.Company, c.FaxNumber, c.Email);
}

public sealed record ListView(long Id, bool Central, string Name, IReadOnlyList<long> ContactIds)
{
    public static ListView Of(DistributionList l) => new(l.Id, l.OwnerUserId is null, l.Name, l.ContactIds);
}

public sealed record RoutingRuleView(long Id, RoutingMatch Match, string Pattern, long MailboxId, int Order)
{
    public static RoutingRuleView Of(RoutingRule r) => new(r.Id, r.Match, r.Pattern, r.MailboxId, r.Order);
}

public sealed record LogRecordView(
    long Id, DateTimeOffset At, Direction Direction, long? MailboxId, long? UserId, long? JobId, long? FaxId,
    string? RemoteNumber, string? RemoteId, int Pages, double DurationSeconds, string Result, string? Reason, string? Line)
{
    public static LogRecordView Of(TransmissionRecord r) => new(
        r.Id, r.At, r.Direction, r.MailboxId, r.UserId, r.JobId, r.FaxId, r.RemoteNumber, r.RemoteId, r.Pages, r.Duration.TotalSeconds, r.Result, r.Reason, r.Line);
}

public sealed record CleanupView(bool DryRun, IReadOnlyList<CleanupItemView> Items);

public sealed record CleanupItemView(string Kind, long Id, DateTimeOffset Date, string Description);

public sealed record StatusView(long DiskFreeBytes, long DiskMinimumBytes, bool AcceptingWork, IReadOnlyDictionary<string, int> Queue, LinesView Lines);

public sealed record LinesView(int Total, int ReservedInbound, int InboundInUse, int OutboundInUse);

/// <summary>Names of flags as camelCase strings (rights, roles): easier for scripts than a bit mask.</summary>
internal static class Names
{
    private static readonly MailboxRights[] AllRights =
        [MailboxRights.ReadIncoming, MailboxRights.HandOffIncoming, MailboxRights.DeleteIncoming, MailboxRights.Send, MailboxRights.StopOutgoing, MailboxRights.DeleteOutgoing, MailboxRights.ChangeSendOptions];

    public static IReadOnlyList<string> Rights(MailboxRights rights) =>
        AllRights.Where(r => (rights & r) == r).Select(r => Camel(r.ToString())).ToList();

    public static IReadOnlyList<string> Roles(Role roles)
    {
        var names = new List<string>();
        if ((roles & Role.Administrator) != 0)
        {
            names.Add("administrator");
        }

        if ((roles & Role.PostOffice) != 0)
        {
            names.Add("postOffice");
        }

        return names;
    }

    public static MailboxRights ParseRights(IEnumerable<string>? names)
    {
        var rights = MailboxRights.None;
        foreach (string name in names ?? [])
        {
            rights |= Enum.TryParse<MailboxRights>(name, ignoreCase: true, out var r) && Enum.IsDefined(r)
                ? r
                : throw new Core.ValidationException($"'{name}' is not a right; rights are {string.Join(", ", AllRights.Select(x => Camel(x.ToString())))}, allIncoming, allOutgoing, all.");
        }

        return rights;
    }

    public static Role ParseRoles(IEnumerable<string> names)
    {
        var roles = Role.None;
        foreach (string name in names)
        {
            roles |= name.ToLowerInvariant() switch
            {
                "administrator" => Role.Administrator,
                "postoffice" => Role.PostOffice,
                _ => throw new Core.ValidationException($"'{name}' is not a role; roles are administrator and postOffice."),
            };
        }

        return roles;
    }

    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
