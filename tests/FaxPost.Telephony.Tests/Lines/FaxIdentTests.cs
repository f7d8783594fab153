using FaxPost.Telephony.Lines;

namespace FaxPost.Telephony.Tests.Lines;

public sealed class FaxIdentTests
{
    [Theory]
    [InlineData("+49 89 1234", "+49 89 1234")]
    [InlineData("Sales +49 89 1234-20", "+49 89 123420")]
    [InlineData("+49 89 1234 5678 9012 3456", "+49 89 1234 5678 901")]
    [InlineData("FaxPost test", null)]
    [InlineData("   ", null)]
    [InlineData(null, null)]
    public void A_mailboxs_fax_id_becomes_what_T30_can_send(string? text, string? expected) =>
        Assert.Equal(expected, SipFaxLine.FaxIdent(text));
}
