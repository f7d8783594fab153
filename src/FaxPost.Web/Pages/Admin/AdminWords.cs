using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;

namespace FaxPost.Web.Pages.Admin;

/// <summary>Roles and rights in words for the administration pages.</summary>
public static class AdminWords
{
    public static string Roles(Role roles)
    {
        var names = new List<string>();
        if ((roles & Role.Administrator) != 0)
        {
            names.Add("administrator");
        }

        if ((roles & Role.PostOffice) != 0)
        {
            names.Add("fax post office");
        }

        return names.Count == 0 ? "user" : string.Join(", ", names);
    }

    /// <summary>Each mailbox right with its form name and words, in the order the forms show them.</summary>
    public static IReadOnlyList<(MailboxRights Right, string Name, string Words)> Rights { get; } =
    [
        (MailboxRights.ReadIncoming, "read", "Read received faxes"),
        (MailboxRights.HandOffIncoming, "handoff", "Hand off received faxes"),
        (MailboxRights.DeleteIncoming, "deletein", "Delete received faxes"),
        (MailboxRights.Send, "send", "Send"),
        (MailboxRights.StopOutgoing, "stop", "Stop sending"),
        (MailboxRights.DeleteOutgoing, "deleteout", "Delete sent faxes"),
        (MailboxRights.ChangeSendOptions, "options", "Change send options"),
    ];

    /// <summary>The rights ticked in a form (names from <see cref="Rights"/>).</summary>
    public static MailboxRights Parse(IEnumerable<string>? names)
    {
        var rights = MailboxRights.None;
        foreach (string name in names ?? [])
        {
            rights |= Rights.FirstOrDefault(r => r.Name == name).Right;
        }

        return rights;
    }
}
