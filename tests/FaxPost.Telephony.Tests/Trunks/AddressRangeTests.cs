using System.Net;
using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class AddressRangeTests
{
    [Theory]
    [InlineData("192.0.2.0/24", "192.0.2.77", true)]
    [InlineData("192.0.2.0/24", "192.0.3.1", false)]
    [InlineData("192.0.2.7/24", "192.0.2.200", true)]
    [InlineData("192.0.2.5", "192.0.2.5", true)]
    [InlineData("192.0.2.5", "192.0.2.6", false)]
    [InlineData("10.0.0.0/9", "10.127.255.255", true)]
    [InlineData("10.0.0.0/9", "10.128.0.0", false)]
    [InlineData("0.0.0.0/0", "203.0.113.9", true)]
    [InlineData("192.0.2.0/24", "::ffff:192.0.2.9", true)]
    [InlineData("192.0.2.0/24", "2001:db8::1", false)]
    [InlineData("2001:db8::/32", "2001:db8:ffff::1", true)]
    [InlineData("2001:db8::/32", "2001:db9::1", false)]
    [InlineData("2001:db8::1", "2001:db8::1", true)]
    public void Membership(string range, string address, bool expected)
    {
        Assert.True(AddressRange.TryParse(range, out var r));
        Assert.Equal(expected, r.Contains(IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("host.example")]
    [InlineData("192.0.2.0/33")]
    [InlineData("192.0.2.0/")]
    [InlineData("192.0.2.0/-1")]
    [InlineData("2001:db8::/129")]
    [InlineData("192.0.2.0/24/8")]
    public void Bad_ranges_are_refused(string text) => Assert.False(AddressRange.TryParse(text, out _));

    [Fact]
    public void A_default_range_contains_nothing() => Assert.False(default(AddressRange).Contains(IPAddress.Loopback));

    [Fact]
    public void A_single_address_is_a_full_length_range()
    {
        var r = AddressRange.Single(IPAddress.Parse("::ffff:127.0.0.1"));
        Assert.Equal(32, r.PrefixLength);
        Assert.True(r.Contains(IPAddress.Loopback));
        Assert.Equal("127.0.0.1/32", r.ToString());
    }
}
