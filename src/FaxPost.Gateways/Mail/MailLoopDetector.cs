using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Mails FaxPost must never answer (RFC 3834 §2, §5: auto-replies, bounces, list traffic), so a
/// bounce of our own reply cannot start a loop. Pure: looks at headers only.
/// </summary>
public static class MailLoopDetector
{
    private static readonly string[] MachineLocalParts =
        ["mailer-daemon", "postmaster", "noreply", "no-reply", "donotreply", "do-not-reply", "listserv", "majordomo", "bounce", "bounces"];

    /// <summary>Why the message is machine traffic that gets neither a fax nor a reply, or null for a person's mail.</summary>
    public static string? Classify(MimeMessage message, string ownAddress)
    {
        var headers = message.Headers;

        // RFC 3834 §5: anything but "no" is automatic.
        if (headers[HeaderId.AutoSubmitted] is { } auto && !auto.Trim().StartsWith("no", StringComparison.OrdinalIgnoreCase))
        {
            return $"Auto-Submitted: {Short(auto)}";
        }

        if (headers[HeaderId.Precedence] is { } precedence && precedence.Trim().ToLowerInvariant() is "bulk" or "junk" or "list" or "auto_reply")
        {
            return $"Precedence: {Short(precedence)}";
        }

        if (headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond"))
        {
            return "auto-reply header";
        }

        if (headers[HeaderId.ListId] is not null || headers["List-Unsubscribe"] is not null)
        {
            return "mailing list traffic (List-Id)";
        }

        // RFC 5321 §4.5.5: bounces have a null reverse path; the delivering server records it as Return-Path: <>.
        if (headers[HeaderId.ReturnPath] is { } returnPath && returnPath.Trim() is "<>" or "")
        {
            return "bounce (Return-Path: <>)";
        }

        // RFC 6522: delivery status and disposition notifications are multipart/report.
        if (message.Body?.ContentType.IsMimeType("multipart", "report") == true)
        {
            return "delivery or read report (multipart/report)";
        }

        var from = message.From.Mailboxes.FirstOrDefault();
        if (from is null)
        {
            return "no From address";
        }

        string address = from.Address ?? "";
        if (address.Equals(ownAddress, StringComparison.OrdinalIgnoreCase))
        {
            return "sent by FaxPost itself";
        }

        int at = address.IndexOf('@');
        string local = (at > 0 ? address[..at] : address).ToLowerInvariant();
        if (Array.IndexOf(MachineLocalParts, local) >= 0 || local.StartsWith("owner-", StringComparison.Ordinal) || local.EndsWith("-request", StringComparison.Ordinal))
        {
            return $"machine sender {Short(address)}";
        }

        return null;
    }

    private static string Short(string s) => s.Length > 60 ? s[..60] : s.Trim();
}
