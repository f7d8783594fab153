using System.Globalization;
using System.Net;
using System.Text;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using MimeKit;
using MimeKit.Utils;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Builds every mail FaxPost sends: received faxes, privacy notices, job notifications, replies to
/// mail-to-fax senders. Every one is marked Auto-Submitted (RFC 3834 §5) so well-behaved servers
/// and our own loop detector never answer it.
/// </summary>
public sealed class MailComposer(MailGatewayOptions options)
{
    public MailboxAddress From => new(options.FromName, options.FromAddress);

    /// <summary>A received fax for a mailbox: pages as PDF/TIFF (or a notice with a link when the mailbox keeps pages off mail).</summary>
    public MimeMessage FaxMail(InboundFax fax, Mailbox mailbox, IEnumerable<InternetAddress> to, byte[]? pages, byte[]? firstPagePng)
    {
        var values = FaxValues(fax, mailbox);
        var message = New(to, MailTemplate.Render(options.Templates.FaxSubject, values), "auto-generated");
        var builder = new BodyBuilder();
        if (!mailbox.MailPages)
        {
            // Privacy (issue 6 §5): health or personal data stay on the server; the mail only says where.
            builder.TextBody = MailTemplate.Render(options.Templates.NoticeBody, values);
            message.Body = builder.ToMessageBody();
            return message;
        }

        builder.TextBody = MailTemplate.Render(options.Templates.FaxBody, values);
        if (options.InlineFirstPage && firstPagePng is not null)
        {
            var image = builder.LinkedResources.Add("page1.png", firstPagePng, new ContentType("image", "png"));
            image.ContentId = MimeUtils.GenerateMessageId();
            builder.HtmlBody = HtmlPage(Html(values, options.Templates.FaxBody), image.ContentId, "First page");
        }

        if (pages is not null)
        {
            string name = $"fax-{fax.Id}-{fax.ReceivedAt:yyyyMMdd-HHmmss}";
            if (options.FaxFormat == FaxMailFormat.Tiff)
            {
                builder.Attachments.Add(name + ".tif", pages, new ContentType("image", "tiff"));
            }
            else
            {
                builder.Attachments.Add(name + ".pdf", pages, new ContentType("application", "pdf"));
            }
        }

        message.Body = builder.ToMessageBody();
        return message;
    }

    /// <summary>A job notification (seed 003: plain text, or HTML with the first page and a PDF).</summary>
    public MimeMessage JobMail(FaxJob job, string message, InternetAddress to, bool html, byte[]? firstPagePng, byte[]? pdf, IReadOnlyList<JobEvent> history)
    {
        var values = JobValues(job, message);
        var mail = New([to], MailTemplate.Render(options.Templates.JobSubject, values), "auto-generated");
        var builder = new BodyBuilder { TextBody = MailTemplate.Render(options.Templates.JobBody, values) + TextReport(history) };
        if (html)
        {
            string? cid = null;
            if (firstPagePng is not null)
            {
                var image = builder.LinkedResources.Add("page1.png", firstPagePng, new ContentType("image", "png"));
                image.ContentId = MimeUtils.GenerateMessageId();
                cid = image.ContentId;
            }

            builder.HtmlBody = HtmlPage(Html(values, options.Templates.JobBody) + HtmlReport(history), cid, "First page");
            if (pdf is not null)
            {
                builder.Attachments.Add($"fax-job-{job.Id}.pdf", pdf, new ContentType("application", "pdf"));
            }
        }

        mail.Body = builder.ToMessageBody();
        return mail;
    }

    /// <summary>The answer to a mail-to-fax message (refusal or report), threaded under the original.</summary>
    public MimeMessage Reply(MimeMessage original, InternetAddress to, string subject, string text)
    {
        var reply = New([to], subject, "auto-replied");
        if (!string.IsNullOrEmpty(original.MessageId))
        {
            reply.InReplyTo = original.MessageId;
            reply.References.Add(original.MessageId);
        }

        reply.Body = new TextPart("plain") { Text = text };
        return reply;
    }

    /// <summary>A plain automatic message to a user (e.g. a serial letter's final report).</summary>
    public MimeMessage Notice(InternetAddress to, string subject, string text)
    {
        var notice = New([to], subject, "auto-generated");
        notice.Body = new TextPart("plain") { Text = text };
        return notice;
    }

    /// <summary>A serial letter sent by e-mail to one contact: the mail's text and documents.</summary>
    public MimeMessage SerialLetter(InternetAddress to, MailboxAddress replyTo, string subject, string? text, IReadOnlyList<MailDocument> documents)
    {
        var message = New([to], subject, null);
        message.ReplyTo.Add(replyTo);
        var builder = new BodyBuilder { TextBody = text ?? "" };
        foreach (var document in documents)
        {
            builder.Attachments.Add(document.FileName, document.Content, ContentTypeOf(document));
        }

        message.Body = builder.ToMessageBody();
        return message;
    }

    private MimeMessage New(IEnumerable<InternetAddress> to, string subject, string? autoSubmitted)
    {
        var message = new MimeMessage();
        message.From.Add(From);
        message.To.AddRange(to);
        message.Subject = subject;
        message.Date = DateTimeOffset.UtcNow;
        message.MessageId = MimeUtils.GenerateMessageId(DomainOf(options.FromAddress));
        if (autoSubmitted is not null)
        {
            message.Headers.Add(HeaderId.AutoSubmitted, autoSubmitted);
            message.Headers.Add("X-Auto-Response-Suppress", "All");
        }

        return message;
    }

    private Dictionary<string, string?> FaxValues(InboundFax fax, Mailbox mailbox) => new()
    {
        ["Sender"] = fax.SenderId ?? fax.CallerNumber ?? "unknown sender",
        ["SenderId"] = fax.SenderId ?? "-",
        ["CallerNumber"] = fax.CallerNumber ?? "-",
        ["Dialled"] = fax.DialledNumber ?? "-",
        ["Extension"] = mailbox.Extension ?? "-",
        ["Pages"] = fax.Pages.ToString(CultureInfo.InvariantCulture) + (fax.Partial ? " (the call ended early)" : ""),
        ["Received"] = fax.ReceivedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture),
        ["Mailbox"] = mailbox.Name,
        ["FaxId"] = fax.Id.ToString(CultureInfo.InvariantCulture),
        ["Link"] = options.WebInboxUrl is { Length: > 0 } url ? $"{url.TrimEnd('/')}/faxes/{fax.Id}" : "(ask the fax post office)",
    };

    private static Dictionary<string, string?> JobValues(FaxJob job, string message) => new()
    {
        ["JobId"] = job.Id.ToString(CultureInfo.InvariantCulture),
        ["Destination"] = job.RecipientName is { Length: > 0 } name ? $"{name} ({job.Destination})" : job.Destination,
        ["Number"] = job.DialNumber,
        ["State"] = job.State.Describe(),
        ["Message"] = message,
        ["Pages"] = job.PageCount.ToString(CultureInfo.InvariantCulture),
        ["PagesSent"] = job.PagesSent.ToString(CultureInfo.InvariantCulture),
        ["Tries"] = job.Tries.ToString(CultureInfo.InvariantCulture),
        ["MaxTries"] = job.MaxTries.ToString(CultureInfo.InvariantCulture),
        ["Subject"] = job.Subject ?? "",
        ["LastError"] = job.LastError ?? "",
    };

    private static string TextReport(IReadOnlyList<JobEvent> history)
    {
        if (history.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder("\nTransmission report:\n");
        foreach (var e in history)
        {
            sb.Append(CultureInfo.InvariantCulture, $"  {e.At:yyyy-MM-dd HH:mm:ss}  {e.State.Describe(),-16} {e.Message}\n");
        }

        return sb.ToString();
    }

    private static string HtmlReport(IReadOnlyList<JobEvent> history)
    {
        if (history.Count == 0)
        {
            return "";
        }

        var sb = new StringBuilder("<h3>Transmission report</h3><table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>Time (UTC)</th><th>State</th><th>Event</th></tr>");
        foreach (var e in history)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.At:yyyy-MM-dd HH:mm:ss}</td><td>{Enc(e.State.Describe())}</td><td>{Enc(e.Message)}</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    private static string Html(Dictionary<string, string?> values, string template)
    {
        var escaped = values.ToDictionary(kv => kv.Key, kv => (string?)Enc(kv.Value ?? ""));
        return "<p>" + MailTemplate.Render(Enc(template), escaped).Replace("\n", "<br>\n", StringComparison.Ordinal) + "</p>";
    }

    private static string HtmlPage(string body, string? imageCid, string alt) =>
        "<!DOCTYPE html><html><body style=\"font-family: sans-serif\">" + body +
        (imageCid is null ? "" : $"<p><img src=\"cid:{imageCid}\" alt=\"{alt}\" style=\"border: 1px solid #888\"></p>") +
        "</body></html>";

    private static string Enc(string s) => WebUtility.HtmlEncode(s);

    private static ContentType ContentTypeOf(MailDocument document) => document.Kind switch
    {
        Imaging.Conversion.DocumentKind.Pdf => new ContentType("application", "pdf"),
        Imaging.Conversion.DocumentKind.PostScript => new ContentType("application", "postscript"),
        Imaging.Conversion.DocumentKind.Tiff => new ContentType("image", "tiff"),
        Imaging.Conversion.DocumentKind.Png => new ContentType("image", "png"),
        Imaging.Conversion.DocumentKind.Jpeg => new ContentType("image", "jpeg"),
        _ => new ContentType("text", "plain") { Charset = "utf-8" },
    };

    private static string DomainOf(string address)
    {
        int at = address.LastIndexOf('@');
        return at >= 0 && at < address.Length - 1 ? address[(at + 1)..] : "localhost";
    }
}
