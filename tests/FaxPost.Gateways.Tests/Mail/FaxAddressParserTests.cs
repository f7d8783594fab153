using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class FaxAddressParserTests
{
    [Theory]
    [InlineData("+4989123456@fax.example.org", "+4989123456")]
    [InlineData("0089123456@FAX.example.org", "0089123456")]
    [InlineData("\"+49 89 123456\"@fax.example.org", "+49 89 123456")]
    [InlineData("12@fax.example.org.", "12")]
    [InlineData("+4989123456@example.org", null)]
    [InlineData("office@fax.example.org", null)]
    [InlineData("@fax.example.org", null)]
    [InlineData("+4989123456@", null)]
    [InlineData("no-at-sign", null)]
    [InlineData("+49+89@fax.example.org", null)]
    public void LocalPart(string address, string? number) =>
        Assert.Equal(number, FaxAddressParser.NumberOf(address, "fax.example.org"));

    [Fact]
    public void NumbersFromToAndCcWithoutDuplicates()
    {
        var message = new MimeMessage();
        message.To.Add(MailboxAddress.Parse("+4989123456@fax.example.org"));
        message.To.Add(MailboxAddress.Parse("colleague@example.org"));
        message.Cc.Add(MailboxAddress.Parse("0030999999@fax.example.org"));
        message.Cc.Add(MailboxAddress.Parse("+4989123456@fax.example.org"));
        Assert.Equal(["+4989123456", "0030999999"], FaxAddressParser.NumbersIn(message, "fax.example.org"));
    }
}
