using FaxPost.Core.Rights;

namespace FaxPost.Web.Ui;

/// <summary>Rights in words for people (the API names them in camelCase).</summary>
public static class RightWords
{
    private static readonly (MailboxRights Right, string Words)[] Names =
    [
        (MailboxRights.ReadIncoming, "read"),
        (MailboxRights.HandOffIncoming, "hand off"),
        (MailboxRights.DeleteIncoming, "delete received faxes"),
        (MailboxRights.Send, "send"),
        (MailboxRights.StopOutgoing, "stop sending"),
        (MailboxRights.DeleteOutgoing, "delete sent faxes"),
        (MailboxRights.ChangeSendOptions, "change send options"),
    ];

    public static string Describe(MailboxRights rights)
    {
        if (rights == MailboxRights.All)
        {
            return "everything";
        }

        var words = Names.Where(n => (rights & n.Right) == n.Right).Select(n => n.Words).ToList();
        return words.Count == 0 ? "nothing" : string.Join(", ", words);
    }
}
