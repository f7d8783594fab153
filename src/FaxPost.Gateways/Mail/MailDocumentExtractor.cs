using System.Text;
using FaxPost.Imaging.Conversion;
using MimeKit;

namespace FaxPost.Gateways.Mail;

/// <summary>A part of a mail that will be faxed.</summary>
public sealed record MailDocument(string FileName, byte[] Content, DocumentKind Kind);

/// <summary>What a mail holds for the fax: documents in order, and the parts refused (with the reason, for the reply).</summary>
public sealed record MailDocuments(IReadOnlyList<MailDocument> Documents, IReadOnlyList<string> Refused, string? Error)
{
    public bool IsValid => Error is null && Refused.Count == 0 && Documents.Count > 0;
}

/// <summary>
/// Picks what is faxed out of a MIME message (seed 003: "the mail or the attachment"):
/// attachments that are PDF, PostScript, TIFF, PNG, JPEG or plain text (decided by their
/// bytes, not their declared type), optionally preceded by the body; HTML bodies rendered as
/// text. Signatures and images that only decorate an HTML body are skipped; anything else is
/// refused by name. Decoded sizes are limited while decoding, so a part that expands cannot
/// exhaust memory.
/// </summary>
public sealed class MailDocumentExtractor(MailFaxContent content, long maxBytes, int maxAttachments)
{
    private const int MaxParts = 500;
    private const int MaxDepth = 20;

    public MailDocuments Extract(MimeMessage message)
    {
        var documents = new List<MailDocument>();
        var refused = new List<string>();
        long budget = maxBytes;

        var bodyPart = message.Body is null ? null : FindBodyPart(message.Body, 0);
        if (content == MailFaxContent.MailAndAttachments && bodyPart is not null)
        {
            string text = BodyText(bodyPart);
            if (!string.IsNullOrWhiteSpace(text))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                if (bytes.Length > budget)
                {
                    return new MailDocuments([], [], $"the mail text is larger than {maxBytes / 1024} KiB");
                }

                budget -= bytes.Length;
                documents.Add(new MailDocument("mail.txt", bytes, DocumentKind.Text));
            }
        }

        var parts = new List<MimePart>();
        if (message.Body is not null && !Collect(message.Body, bodyPart, parts, 0))
        {
            return new MailDocuments([], [], "the mail is nested too deeply or has too many parts");
        }

        int index = 0;
        foreach (var part in parts)
        {
            index++;
            string name = NameOf(part, index);
            if (documents.Count - (content == MailFaxContent.MailAndAttachments ? 1 : 0) >= maxAttachments)
            {
                return new MailDocuments([], [], $"a fax mail may have at most {maxAttachments} attachments");
            }

            byte[]? bytes;
            try
            {
                bytes = Decode(part, budget);
            }
            catch (FormatException)
            {
                refused.Add($"{name}: the attachment is damaged (bad encoding)");
                continue;
            }

            if (bytes is null)
            {
                return new MailDocuments([], [], $"the attachments are larger than {maxBytes / (1024 * 1024)} MiB together");
            }

            budget -= bytes.Length;
            if (bytes.Length == 0)
            {
                refused.Add($"{name}: the attachment is empty");
                continue;
            }

            if (part.ContentType.IsMimeType("text", "html"))
            {
                byte[] text = Encoding.UTF8.GetBytes(Sanitise(HtmlText.ToText(DecodeText(part, bytes))));
                documents.Add(new MailDocument(Path.ChangeExtension(name, ".txt"), text, DocumentKind.Text));
                continue;
            }

            var kind = DocumentConverter.Detect(bytes.AsSpan(0, Math.Min(bytes.Length, 4096)), name);
            if (kind is null && part.ContentType.IsMimeType("text", "*"))
            {
                // Text in another charset or with stray control characters: re-encoded as clean UTF-8.
                bytes = Encoding.UTF8.GetBytes(Sanitise(DecodeText(part, bytes)));
                kind = DocumentKind.Text;
            }
            else if (kind == DocumentKind.Text)
            {
                bytes = Encoding.UTF8.GetBytes(Sanitise(DecodeText(part, bytes)));
            }

            if (kind is null)
            {
                refused.Add($"{name} ({part.ContentType.MimeType}): this kind of file cannot be faxed; send PDF, PostScript, TIFF, PNG, JPEG or plain text");
                continue;
            }

            documents.Add(new MailDocument(name, bytes, kind.Value));
        }

        if (documents.Count == 0 && refused.Count == 0)
        {
            return new MailDocuments([], [], content == MailFaxContent.Attachments
                ? "the mail has no attachment to fax (attach a PDF, PostScript, TIFF, PNG, JPEG or text file)"
                : "the mail has neither text nor attachments to fax");
        }

        return new MailDocuments(documents, refused, null);
    }

    /// <summary>The text/plain (or else text/html) part that is the body, outside attachments.</summary>
    private static MimePart? FindBodyPart(MimeEntity entity, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        switch (entity)
        {
            case Multipart multipart when multipart.ContentType.IsMimeType("multipart", "alternative"):
                var plain = multipart.OfType<TextPart>().FirstOrDefault(p => p.IsPlain && !p.IsAttachment);
                return plain ?? multipart.Select(e => FindBodyPart(e, depth + 1)).FirstOrDefault(p => p is not null);
            case Multipart multipart:
                return multipart.Count == 0 ? null : FindBodyPart(multipart[0], depth + 1);
            case TextPart text when !text.IsAttachment && (text.IsPlain || text.IsHtml):
                return text;
            default:
                return null;
        }
    }

    /// <summary>Attachments in order: every leaf that is not the body, a signature, or an HTML body's inline image.</summary>
    private static bool Collect(MimeEntity entity, MimePart? body, List<MimePart> parts, int depth)
    {
        if (depth > MaxDepth || parts.Count > MaxParts)
        {
            return false;
        }

        switch (entity)
        {
            case Multipart multipart:
                bool related = multipart.ContentType.IsMimeType("multipart", "related");
                bool alternative = multipart.ContentType.IsMimeType("multipart", "alternative");
                for (int i = 0; i < multipart.Count; i++)
                {
                    var child = multipart[i];

                    // RFC 2387: the other parts of multipart/related are resources of the root (logos, inline images).
                    if (related && i > 0 && child is MimePart { IsAttachment: false })
                    {
                        continue;
                    }

                    // Alternatives of the body are the same text again.
                    if (alternative && child is TextPart { IsAttachment: false })
                    {
                        continue;
                    }

                    if (!Collect(child, body, parts, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            case MimePart part when ReferenceEquals(part, body):
                return true;
            case TextPart text when !text.IsAttachment && SafeFileName(text) is null && (text.IsPlain || text.IsHtml):
                // Inline text without a file name (a second body block, e.g. after an inline image) is body text, not a document.
                return true;
            case MimeKit.Cryptography.ApplicationPkcs7Signature:
                return true;
            case MimePart part when part.ContentType.IsMimeType("application", "pgp-signature") || part.ContentType.IsMimeType("application", "pgp-keys"):
                return true;
            case MimePart part:
                parts.Add(part);
                return true;
            case MessagePart message when message.Message is { } inner:
                // A forwarded mail is refused by name, like any other non-document.
                parts.Add(new MimePart("message", "rfc822") { FileName = inner.Subject is { Length: > 0 } s ? Truncate(s, 60) + ".eml" : "forwarded message.eml", Content = new MimeContent(new MemoryStream()) });
                return true;
            default:
                return true;
        }
    }

    /// <summary>The decoded bytes, or null when they exceed the budget (checked while decoding).</summary>
    private static byte[]? Decode(MimePart part, long budget)
    {
        if (part.Content is null)
        {
            return [];
        }

        using var output = new LimitedMemoryStream(budget);
        try
        {
            part.Content.DecodeTo(output);
        }
        catch (LimitExceededException)
        {
            return null;
        }

        return output.ToArray();
    }

    private static string BodyText(MimePart part)
    {
        if (part is not TextPart text)
        {
            return "";
        }

        string s = text.Text ?? "";
        return Sanitise(text.IsHtml ? HtmlText.ToText(s) : s);
    }

    /// <summary>Text in the part's declared charset; bytes that are not valid there become U+FFFD, never an exception.</summary>
    private static string DecodeText(MimePart part, byte[] bytes)
    {
        Encoding encoding;
        try
        {
            encoding = part.ContentType.CharsetEncoding ?? Encoding.UTF8;
        }
        catch (NotSupportedException)
        {
            encoding = Encoding.UTF8;
        }

        if (encoding.CodePage == Encoding.UTF8.CodePage || bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return new UTF8Encoding(false, false).GetString(bytes).TrimStart('\uFEFF');
        }

        return encoding.GetString(bytes);
    }

    /// <summary>Control characters other than tab, line ends and form feed become spaces (the converter refuses them).</summary>
    internal static string Sanitise(string text)
    {
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
        {
            char c = chars[i];
            if ((c < 0x20 && c is not ('\t' or '\n' or '\r' or '\f')) || c == 0x7F)
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }

    private static string? SafeFileName(MimePart part)
    {
        try
        {
            return part.FileName;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static string NameOf(MimePart part, int index)
    {
        string? name = null;
        try
        {
            name = part.FileName;
        }
        catch (FormatException)
        {
        }

        name = Path.GetFileName((name ?? "").Replace('\\', '/'));
        name = new string(name.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (name.Length == 0)
        {
            string ext = MimeTypes.TryGetExtension(part.ContentType.MimeType, out string? e) ? e : ".bin";
            name = $"attachment {index}{ext}";
        }

        return Truncate(name, 120);
    }

    private static string Truncate(string s, int max) => s.Length > max ? s[..max] : s;

    private sealed class LimitExceededException : Exception;

    /// <summary>A memory stream that stops at a byte budget.</summary>
    private sealed class LimitedMemoryStream(long limit) : MemoryStream
    {
        public override void Write(byte[] buffer, int offset, int count)
        {
            Check(count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Check(buffer.Length);
            base.Write(buffer);
        }

        public override void WriteByte(byte value)
        {
            Check(1);
            base.WriteByte(value);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Check(count);
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Check(buffer.Length);
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Check(int count)
        {
            if (Length + count > limit)
            {
                throw new LimitExceededException();
            }
        }
    }
}
