using FaxPost.Gateways.Mail;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class MailTemplateTests
{
    private static readonly Dictionary<string, string?> Values = new() { ["Sender"] = "+49 30 1234", ["Pages"] = "3", ["Empty"] = null, ["Tricky"] = "{Pages}" };

    [Theory]
    [InlineData("Fax from {Sender} ({Pages} page(s))", "Fax from +49 30 1234 (3 page(s))")]
    [InlineData("{Unknown} stays", "{Unknown} stays")]
    [InlineData("{{Sender}} is literal", "{Sender} is literal")]
    [InlineData("[{Empty}]", "[]")]
    [InlineData("{Tricky}", "{Pages}")]
    [InlineData("unclosed {Sender", "unclosed {Sender")]
    [InlineData("}{", "}{")]
    public void Render(string template, string expected) => Assert.Equal(expected, MailTemplate.Render(template, Values));
}
