using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class MailLoopDetectorTests
{
    private const string Own = "faxpost@example.org";

    [Theory]
    [InlineData("Auto-Submitted", "auto-replied", "Auto-Submitted")]
    [InlineData("Auto-Submitted", "auto-generated", "Auto-Submitted")]
    [InlineData("Precedence", "bulk", "Precedence")]
    [InlineData("Precedence", "auto_reply", "Precedence")]
    [InlineData("Precedence", " JUNK ", "Precedence")]
    [InlineData("X-Autoreply", "yes", "auto-reply")]
    [InlineData("List-Id", "<news.example.org>", "mailing list")]
    [InlineData("Return-Path", "<>", "bounce")]
    public void MachineHeaders(string header, string value, string reason)
    {
        var message = Person();
        message.Headers.Add(header, value);
        Assert.Contains(reason, MailLoopDetector.Classify(message, Own), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MAILER-DAEMON@mx.example.org")]
    [InlineData("postmaster@example.org")]
    [InlineData("no-reply@shop.example")]
    [InlineData("owner-list@example.org")]
    [InlineData("list-request@example.org")]
    [InlineData("FaxPost@Example.org")]
    public void MachineSenders(string from)
    {
        var message = Person();
        message.From.Clear();
        message.From.Add(MailboxAddress.Parse(from));
        Assert.NotNull(MailLoopDetector.Classify(message, Own));
    }

    [Fact]
    public void DeliveryReports()
    {
        var message = Person();
        message.Body = new Multipart("report") { new TextPart("plain") { Text = "undeliverable" } };
        Assert.Contains("multipart/report", MailLoopDetector.Classify(message, Own), StringComparison.Ordinal);
    }

    [Fact]
    public void PeopleAreAnswered()
    {
        var message = Person();
        message.Headers.Add("Auto-Submitted", "no");
        message.Headers.Add("Return-Path", "<alice@example.org>");
        message.Headers.Add("Precedence", "first-class");
        Assert.Null(MailLoopDetector.Classify(message, Own));
    }

    [Fact]
    public void NoFromIsNotAnswered()
    {
        var message = Person();
        message.From.Clear();
        Assert.NotNull(MailLoopDetector.Classify(message, Own));
    }

    [Fact]
    public void OurOwnMailsAreRecognised()
    {
        var composer = new MailComposer(new MailGatewayOptions { FromAddress = Own });
        var reply = composer.Reply(Person(), MailboxAddress.Parse("alice@example.org"), "Fax not sent", "text");

        // A mail server that sends our reply back (or an auto-responder quoting it) is never answered.
        Assert.NotNull(MailLoopDetector.Classify(reply, "someone-else@example.org"));
    }

    private static MimeMessage Person()
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse("alice@example.org"));
        message.To.Add(MailboxAddress.Parse("fax@example.org"));
        message.Subject = "0089123456";
        message.Body = new TextPart("plain") { Text = "hello" };
        return message;
    }
}
