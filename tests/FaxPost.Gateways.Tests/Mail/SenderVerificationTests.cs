using FaxPost.Gateways.Mail;
using MimeKit;

namespace FaxPost.Gateways.Tests.Mail;

public sealed class SenderVerificationTests
{
    [Theory]
    [InlineData("mx.example.org; dmarc=pass header.from=example.org", true)]
    [InlineData("mx.example.org; dkim=pass header.d=example.org header.s=sel; spf=fail", true)]
    [InlineData("mx.example.org; dkim=pass header.d=mail.example.org", false)]
    [InlineData("mx.example.org; spf=pass smtp.mailfrom=bounce@example.org", true)]
    [InlineData("mx.example.org; spf=pass smtp.mailfrom=evil.example", false)]
    [InlineData("mx.example.org; dkim=pass header.d=evil.example; dmarc=fail header.from=example.org", false)]
    [InlineData("mx.example.org; none", false)]
    [InlineData("other.example; dmarc=pass header.from=example.org", false)]
    [InlineData("MX.EXAMPLE.ORG; dkim=pass header.d=example.org", true)]
    public void OnlyOurServersPassingResultForTheFromDomainCounts(string value, bool verified)
    {
        var headers = new HeaderList { { "Authentication-Results", value } };
        Assert.Equal(verified, SenderVerification.IsVerified(headers, "mx.example.org", "alice@example.org", out string reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void RelaxedAlignmentAcceptsAParentDomainAndTheTopmostHeaderDecides()
    {
        var headers = new HeaderList
        {
            { "Authentication-Results", "mx.example.org; dkim=pass header.d=example.org" },
            { "Authentication-Results", "mx.example.org; dkim=fail header.d=example.org" },
        };
        Assert.True(SenderVerification.IsVerified(headers, "mx.example.org", "alice@sales.example.org", out _));

        var forgedBelow = new HeaderList
        {
            { "Authentication-Results", "mx.example.org; spf=fail smtp.mailfrom=alice@example.org" },
            { "Authentication-Results", "mx.example.org; dmarc=pass header.from=example.org" },
        };
        Assert.False(SenderVerification.IsVerified(forgedBelow, "mx.example.org", "alice@example.org", out _));
        Assert.False(SenderVerification.IsVerified([], "mx.example.org", "alice@example.org", out string none));
        Assert.Contains("no Authentication-Results", none, StringComparison.Ordinal);
    }

    [Fact]
    public void GarbageHeadersAreIgnored()
    {
        var headers = new HeaderList { { "Authentication-Results", ";;; = = pass" }, { "Authentication-Results", "mx.example.org; dkim=pass header.d=example.org" } };
        Assert.True(SenderVerification.IsVerified(headers, "mx.example.org", "alice@example.org", out _));
    }
}
