using System.Text;
using FaxPost.Gateways.Mail;
using FaxPost.Imaging.Conversion;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class MailDocumentExtractorTests
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n");
    private static readonly byte[] Png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
    private static readonly byte[] Tiff = [(byte)'I', (byte)'I', 42, 0, 8, 0, 0, 0];

    [Fact]
    public void AttachmentsByTheirBytesNotTheirDeclaredType()
    {
        var message = Message("body", ("a.pdf", Pdf, "application/octet-stream"), ("b.png", Png, "image/png"), ("c.jpg", Jpeg, "image/jpeg"), ("d.tif", Tiff, "image/tiff"), ("e.ps", Encoding.ASCII.GetBytes("%!PS\nshowpage\n"), "application/postscript"), ("notes.txt", Encoding.UTF8.GetBytes("Grüße\n"), "text/plain"));
        var result = Extract(message);
        Assert.True(result.IsValid);
        Assert.Equal([DocumentKind.Pdf, DocumentKind.Png, DocumentKind.Jpeg, DocumentKind.Tiff, DocumentKind.PostScript, DocumentKind.Text], result.Documents.Select(d => d.Kind));
        Assert.Equal("Grüße\n", Encoding.UTF8.GetString(result.Documents[^1].Content));
    }

    [Fact]
    public void UnknownTypesAreRefusedByNameAndPdfNamedFilesMustBePdfs()
    {
        var result = Extract(Message("body", ("a.pdf", Pdf, "application/pdf"), ("report.docx", [0x50, 0x4B, 3, 4], "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), ("fake.pdf", Encoding.ASCII.GetBytes("just text"), "application/pdf")));
        Assert.False(result.IsValid);
        Assert.Equal(2, result.Refused.Count);
        Assert.Contains(result.Refused, r => r.StartsWith("report.docx", StringComparison.Ordinal));
        Assert.Contains(result.Refused, r => r.StartsWith("fake.pdf", StringComparison.Ordinal));
    }

    [Fact]
    public void BodyIsFaxedOnlyWhenConfiguredAndHtmlBecomesText()
    {
        var builder = new BodyBuilder { TextBody = "Plain words", HtmlBody = "<p>Plain <b>words</b></p>" };
        builder.Attachments.Add("a.pdf", Pdf, new ContentType("application", "pdf"));
        var message = new MimeMessage { Body = builder.ToMessageBody() };

        Assert.Equal(["a.pdf"], Extract(message).Documents.Select(d => d.FileName));
        var both = new MailDocumentExtractor(MailFaxContent.MailAndAttachments, 1 << 20, 10).Extract(message);
        Assert.Equal(["mail.txt", "a.pdf"], both.Documents.Select(d => d.FileName));
        Assert.Equal("Plain words", Encoding.UTF8.GetString(both.Documents[0].Content));

        var htmlOnly = new MimeMessage { Body = new TextPart("html") { Text = "<h1>Offer</h1><p>Price&nbsp;&euro;&nbsp;5</p>" } };
        var text = new MailDocumentExtractor(MailFaxContent.MailAndAttachments, 1 << 20, 10).Extract(htmlOnly);
        Assert.Equal("Offer\n\nPrice € 5\n", Encoding.UTF8.GetString(Assert.Single(text.Documents).Content));
    }

    [Fact]
    public void SignaturesAndInlineImagesOfTheHtmlBodyAreSkipped()
    {
        var builder = new BodyBuilder { HtmlBody = "<p>see attachment</p><img src=\"cid:logo\">" };
        builder.LinkedResources.Add("logo.png", Png, new ContentType("image", "png")).ContentId = "logo";
        builder.Attachments.Add("a.pdf", Pdf, new ContentType("application", "pdf"));
        var signed = new Multipart("signed") { builder.ToMessageBody(), new MimePart("application", "pgp-signature") { Content = new MimeContent(new MemoryStream([1, 2, 3])) } };
        var result = Extract(new MimeMessage { Body = signed });
        Assert.True(result.IsValid, string.Join("; ", result.Refused));
        Assert.Equal(["a.pdf"], result.Documents.Select(d => d.FileName));
    }

    [Fact]
    public void SizeAndCountLimitsAreEnforcedWhileDecoding()
    {
        var big = new byte[300_000];
        Pdf.CopyTo(big, 0);
        var tooBig = new MailDocumentExtractor(MailFaxContent.Attachments, 100_000, 10).Extract(Message("x", ("big.pdf", big, "application/pdf")));
        Assert.Contains("larger than", tooBig.Error, StringComparison.Ordinal);

        var many = Message("x", Enumerable.Range(0, 4).Select(i => ($"{i}.pdf", Pdf, "application/pdf")).ToArray());
        Assert.Contains("at most 3 attachments", new MailDocumentExtractor(MailFaxContent.Attachments, 1 << 20, 3).Extract(many).Error, StringComparison.Ordinal);
    }

    [Fact]
    public void InlineTextBetweenAttachmentsIsBodyNotADocument()
    {
        // Apple Mail style: text, an inline PDF, more text.
        var body = new Multipart("mixed")
        {
            new TextPart("plain") { Text = "Here is the offer:" },
            new MimePart("application", "pdf") { FileName = "offer.pdf", ContentDisposition = new ContentDisposition(ContentDisposition.Inline) { FileName = "offer.pdf" }, Content = new MimeContent(new MemoryStream(Pdf)) },
            new TextPart("plain") { Text = "Regards, Alice" },
        };
        var result = Extract(new MimeMessage { Body = body });
        Assert.Equal(["offer.pdf"], result.Documents.Select(d => d.FileName));
    }

    [Fact]
    public void NothingToFax()
    {
        Assert.Contains("no attachment", Extract(Message("only text")).Error, StringComparison.Ordinal);
        Assert.Contains("neither text nor attachments", new MailDocumentExtractor(MailFaxContent.MailAndAttachments, 1 << 20, 10).Extract(Message("  ")).Error, StringComparison.Ordinal);
        Assert.Contains("empty", Assert.Single(Extract(Message("x", ("e.pdf", [], "application/pdf"))).Refused), StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidUtf8AndControlCharactersBecomeCleanText()
    {
        byte[] bytes = [(byte)'o', (byte)'k', 0xC3, 0x28, 0x01, (byte)'\n', 0xFF];
        var result = Extract(Message("x", ("bad.txt", bytes, "text/plain; charset=utf-8")));
        string text = Encoding.UTF8.GetString(Assert.Single(result.Documents).Content);
        Assert.StartsWith("ok\uFFFD(", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\u0001', text);
        Assert.NotNull(DocumentConverter.Detect(Encoding.UTF8.GetBytes(text), "bad.txt"));

        var latin1 = Extract(Message("x", ("l.txt", [0x47, 0x72, 0xFC, 0xDF, 0x65], "text/plain; charset=iso-8859-1")));
        Assert.Equal("Grüße", Encoding.UTF8.GetString(Assert.Single(latin1.Documents).Content));
    }

    [Fact]
    public void ForwardedMailsAreRefusedNotFaxed()
    {
        var inner = Message("inner", ("a.pdf", Pdf, "application/pdf"));
        inner.Subject = "Old offer";
        var outer = new Multipart("mixed") { new TextPart("plain") { Text = "fyi" }, new MessagePart { Message = inner } };
        var result = Extract(new MimeMessage { Body = outer });
        Assert.Contains(result.Refused, r => r.StartsWith("Old offer.eml", StringComparison.Ordinal));
    }

    [Fact]
    public void SameResultWhenTheMailArrivesInAnyChunks()
    {
        var original = Message("Grüße", ("a.pdf", Pdf, "application/pdf"), ("n.txt", Encoding.UTF8.GetBytes("note"), "text/plain"));
        using var raw = new MemoryStream();
        original.WriteTo(raw);
        byte[] bytes = raw.ToArray();
        var expected = Extract(MimeMessage.Load(new MemoryStream(bytes)));
        foreach (int chunk in new[] { 1, 2, 3, 7, 64, 1000 })
        {
            var result = Extract(MimeMessage.Load(new ChunkedStream(bytes, chunk)));
            Assert.Equal(expected.Documents.Select(d => (d.FileName, d.Kind, Convert.ToHexString(d.Content))), result.Documents.Select(d => (d.FileName, d.Kind, Convert.ToHexString(d.Content))));
        }

        // Every prefix of the mail parses to something (a truncated download) without an exception other than MimeKit's FormatException.
        for (int n = 0; n < bytes.Length; n += 13)
        {
            try
            {
                _ = Extract(MimeMessage.Load(new MemoryStream(bytes, 0, n)));
            }
            catch (FormatException)
            {
            }
        }
    }

    /// <summary>Returns at most <c>chunk</c> bytes per read, as a slow network would.</summary>
    private sealed class ChunkedStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }

    private static MailDocuments Extract(MimeMessage message) => new MailDocumentExtractor(MailFaxContent.Attachments, 1 << 20, 10).Extract(message);

    internal static MimeMessage Message(string body, params (string Name, byte[] Content, string Type)[] attachments)
    {
        var builder = new BodyBuilder { TextBody = body };
        foreach (var (name, content, type) in attachments)
        {
            builder.Attachments.Add(name, content, ContentType.Parse(type));
        }

        var message = new MimeMessage { Body = builder.ToMessageBody() };
        message.From.Add(MailboxAddress.Parse("alice@example.org"));
        message.Subject = "0089123456";
        return message;
    }
}
