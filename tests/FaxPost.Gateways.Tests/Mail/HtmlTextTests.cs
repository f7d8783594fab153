using FaxPost.Gateways.Mail;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class HtmlTextTests
{
    [Fact]
    public void BlocksListsEntitiesAndHiddenContent()
    {
        const string html = "<html><head><title>x</title><style>p{color:red}</style></head><body>" +
            "<p>Dear&nbsp;Sir,</p><p>please   find the <b>offer</b> attached.</p>" +
            "<ul><li>one</li><li>two &amp; three</li></ul><script>alert(1)</script><!-- hidden --><div>Regards<br>Alice</div></body></html>";
        Assert.Equal("Dear Sir,\n\nplease find the offer attached.\n\n- one\n- two & three\nRegards\nAlice\n", HtmlText.ToText(html));
    }

    [Theory]
    [InlineData("a < b", "a < b\n")]
    [InlineData("<p>unclosed", "unclosed\n")]
    [InlineData("<script>never closed", "\n")]
    [InlineData("<!-- never closed", "\n")]
    [InlineData("", "\n")]
    public void BrokenHtml(string html, string text) => Assert.Equal(text, HtmlText.ToText(html));

    [Fact]
    public void Fuzz()
    {
        var random = new Random(7);
        string[] pieces = ["<p>", "</p>", "<li>", "<br/>", "<script>", "</script>", "<!--", "-->", "&amp;", "&#x", "&", "<", ">", "text", " ", "\n", "<td>", "<style", "</"];
        for (int i = 0; i < 20_000; i++)
        {
            string html = string.Concat(Enumerable.Range(0, random.Next(0, 25)).Select(_ => pieces[random.Next(pieces.Length)]));
            string text = HtmlText.ToText(html);
            Assert.EndsWith("\n", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\n\n\n", text, StringComparison.Ordinal);
        }
    }
}
