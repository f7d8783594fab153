using FaxPost.Gateways.Mail;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class SubjectParserTests
{
    [Theory]
    [InlineData("00991123456999", new[] { "00991123456999" })]
    [InlineData("0089 123456", new[] { "0089 123456" })]
    [InlineData("+49 89 1234-56", new[] { "+49 89 1234-56" })]
    [InlineData("0089123456, 0030987654", new[] { "0089123456", "0030987654" })]
    [InlineData("0089123456;0030987654 ; 12", new[] { "0089123456", "0030987654", "12" })]
    [InlineData("  0089/123456  ", new[] { "0089/123456" })]
    [InlineData("Fwd: 0089123456", new[] { "0089123456" })]
    [InlineData("WG: FW: 0089123456", new[] { "0089123456" })]
    [InlineData("0089123456,,", new[] { "0089123456" })]
    public void Numbers(string subject, string[] expected)
    {
        var result = SubjectParser.Parse(subject);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(expected, result.Recipients.Select(r => r.Text));
        Assert.All(result.Recipients, r => Assert.True(r.IsNumber));
        Assert.Null(result.Pin);
    }

    [Fact]
    public void NamesAndNumbersMix()
    {
        var result = SubjectParser.Parse("Müller GmbH; 0089123456, Customers  north");
        Assert.True(result.IsValid);
        Assert.Equal([new SubjectRecipient("Müller GmbH", false), new SubjectRecipient("0089123456", true), new SubjectRecipient("Customers north", false)], result.Recipients);
    }

    [Theory]
    [InlineData("0089123456 PIN 1234", "1234")]
    [InlineData("PIN:98765 0089123456", "98765")]
    [InlineData("0089123456, pin=123456789012", "123456789012")]
    [InlineData("0089123456;PIN 0000", "0000")]
    public void Pin(string subject, string pin)
    {
        var result = SubjectParser.Parse(subject);
        Assert.True(result.IsValid, result.Error);
        Assert.Equal(pin, result.Pin);
        Assert.Equal("0089123456", Assert.Single(result.Recipients).Text);
        Assert.Contains("PIN ****", SubjectParser.WithoutPin(subject), StringComparison.Ordinal);
        Assert.Null(SubjectParser.Parse(SubjectParser.WithoutPin(subject)).Pin);
    }

    [Theory]
    [InlineData(null, "names no recipient")]
    [InlineData("", "names no recipient")]
    [InlineData("   ", "names no recipient")]
    [InlineData(",;,", "names no recipient")]
    [InlineData("PIN 1234", "names no recipient")]
    [InlineData("0089123456 PIN 1234 PIN 5678", "more than one PIN")]
    [InlineData("0089123456 PIN 12", "4 to 12 digits")]
    [InlineData("0089123456 PIN abcd", "4 to 12 digits")]
    public void Garbage(string? subject, string error)
    {
        var result = SubjectParser.Parse(subject);
        Assert.False(result.IsValid);
        Assert.Contains(error, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Opinion", false)]
    [InlineData("Spinner AG", false)]
    [InlineData("12+34", false)]
    [InlineData("+", false)]
    [InlineData("++49", false)]
    [InlineData("(089) 12 34", true)]
    [InlineData("089.1234", true)]
    [InlineData("0x89", false)]
    public void NumberLike(string text, bool number)
    {
        Assert.Equal(number, SubjectParser.IsNumberLike(text));
        if (text.Contains("PIN", StringComparison.OrdinalIgnoreCase))
        {
            Assert.True(SubjectParser.Parse(text).IsValid);
        }
    }

    [Fact]
    public void TooManyRecipientsAndLongNames()
    {
        var many = SubjectParser.Parse(string.Join(",", Enumerable.Range(0, SubjectParser.MaxRecipients + 1).Select(i => "00891234" + i)));
        Assert.Contains("more than", many.Error, StringComparison.Ordinal);
        var longName = SubjectParser.Parse(new string('x', 150));
        Assert.Contains("neither a fax number nor a name", longName.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ControlCharactersAndLoneSurrogatesNeverCrash()
    {
        var result = SubjectParser.Parse("0089\u0000123456\r\n, \uD800x, 12\uDC00");
        Assert.True(result.IsValid);
        Assert.Equal(3, result.Recipients.Count);
        Assert.DoesNotContain(result.Recipients, r => r.Text.Any(char.IsSurrogate) || r.Text.Any(char.IsControl));
    }

    [Fact]
    public void Fuzz()
    {
        var random = new Random(6);
        const string alphabet = "0123456789+-/() .,;PINpin:=Fwd\u00FC\uD800\u0000\r\nabc";
        for (int i = 0; i < 100_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (int j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var result = SubjectParser.Parse(new string(chars));
            Assert.True(result.IsValid ^ (result.Error is not null));
            Assert.All(result.Recipients, r => Assert.False(string.IsNullOrWhiteSpace(r.Text)));
            Assert.True(result.Pin is null || result.Pin.All(char.IsAsciiDigit));
        }
    }

    [Theory]
    [InlineData("PIN", " ")]
    [InlineData("PIN:", " ")]
    [InlineData("fwd", " ")]
    [InlineData("PIN 12", "3")]
    public void LongRunsAfterAKeywordAreReadInOnePass(string keyword, string run)
    {
        // Runs that a backtracking pattern would retry from every position: each must give an
        // answer (a recipient list or an error), never a regex time-out.
        string subject = string.Concat(Enumerable.Repeat(keyword + string.Concat(Enumerable.Repeat(run, 400)) + "x", 5));

        var result = SubjectParser.Parse(subject);
        string hidden = SubjectParser.WithoutPin(subject + subject);

        Assert.True(result.IsValid ^ (result.Error is not null));
        Assert.NotEmpty(hidden);
    }
}
