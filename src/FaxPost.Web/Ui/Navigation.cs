using FaxPost.Core.Rights;

namespace FaxPost.Web.Ui;

/// <summary>One link of the main navigation, shown only when <see cref="Visible"/> says the user may use it.</summary>
public sealed record NavEntry(string Title, string Path, NavSection Section, Func<WebUser, bool> Visible);

public enum NavSection
{
    /// <summary>Every user's own faxes.</summary>
    Fax = 1,

    /// <summary>The fax post office console (post office role or administrators).</summary>
    PostOffice = 2,
}

/// <summary>
/// The navigation, in order. To add a page: add an entry here with the rule that decides who sees
/// it — the same rule the page itself enforces (hiding a link is a courtesy, not a check).
/// </summary>
public static class Navigation
{
    public static IReadOnlyList<NavEntry> Entries { get; } =
    [
        new("Home", "/", NavSection.Fax, _ => true),
        new("Send a fax", "/send", NavSection.Fax, u => u.CanAny(MailboxRights.Send)),
        new("Outbox", "/outbox", NavSection.Fax, u => u.Mailboxes.Count > 0),
        new("Inbox", "/inbox", NavSection.Fax, u => u.CanAny(MailboxRights.ReadIncoming)),
        new("Unroutable faxes", "/postoffice/unroutable", NavSection.PostOffice, u => u.IsPostOffice),
        new("Routing", "/postoffice/routing", NavSection.PostOffice, u => u.IsPostOffice),
        new("Address book", "/postoffice/addressbook", NavSection.PostOffice, u => u.IsPostOffice),
        new("Log", "/postoffice/log", NavSection.PostOffice, u => u.IsPostOffice),
        new("Statistics", "/postoffice/statistics", NavSection.PostOffice, u => u.IsPostOffice),
        new("Lines and status", "/postoffice/status", NavSection.PostOffice, u => u.IsPostOffice),
        new("Users", "/admin/users", NavSection.PostOffice, u => u.IsAdministrator),
        new("Teams", "/admin/teams", NavSection.PostOffice, u => u.IsAdministrator),
        new("Mailboxes", "/admin/mailboxes", NavSection.PostOffice, u => u.IsAdministrator),
        new("Retention", "/admin/retention", NavSection.PostOffice, u => u.IsAdministrator),
    ];

    public static IEnumerable<NavEntry> For(WebUser user, NavSection section) =>
        Entries.Where(e => e.Section == section && e.Visible(user));

    /// <summary>True when <paramref name="path"/> (the request path) is the entry's page or below it.</summary>
    public static bool IsCurrent(NavEntry entry, string path) =>
        entry.Path == "/" ? path == "/" : path.Equals(entry.Path, StringComparison.OrdinalIgnoreCase) || path.StartsWith(entry.Path + "/", StringComparison.OrdinalIgnoreCase);
}
