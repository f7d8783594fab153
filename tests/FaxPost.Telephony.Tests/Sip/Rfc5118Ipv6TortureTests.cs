using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

/// <summary>RFC 5118 (SIP torture tests for IPv6), §4.1–4.5: IPv6 references in URIs and Via.</summary>
public sealed class Rfc5118Ipv6TortureTests
{
    private static SipMessage Parse(string startLine, string via, string extra = "") =>
        SipMessageParser.ParseDatagram(
            startLine + "\r\nTo: sip:user@example.com\r\nFrom: sip:user@example.com;tag=81x2\r\n" +
            $"Via: {via}\r\nCall-ID: SSG9559905523997077@hlau_4100\r\nMax-Forwards: 70\r\n{extra}" +
            $"CSeq: 98176 {startLine[..startLine.IndexOf(' ', StringComparison.Ordinal)]}\r\nContent-Length: 0\r\n\r\n").Message!;

    [Fact]
    public void Valid_ipv6_references_4_1()
    {
        var m = (SipRequest)Parse("REGISTER sip:[2001:db8::10] SIP/2.0", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111",
            "Contact: \"Caller\" <sip:caller@[2001:db8::1]>\r\n");
        Assert.True(m.TryValidate(out var error), error.ToString());
        Assert.Equal("[2001:db8::10]", m.RequestUri.Host);
        Assert.True(m.RequestUri.IsIPv6Reference);
        Assert.Equal("[2001:db8::9:1]", m.TopVia!.Host);
        Assert.Equal("[2001:db8::1]", m.Contacts[0].Uri.Host);
    }

    [Fact]
    public void Ipv6_without_brackets_in_request_uri_is_400_4_2()
    {
        var m = Parse("REGISTER sip:2001:db8::10 SIP/2.0", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111");
        Assert.False(m.TryValidate(out var error));
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(SipParseErrorReason.BadRequestUri, error.Reason);
    }

    [Fact]
    public void Port_inside_brackets_is_part_of_the_address_4_3_and_outside_is_a_port_4_4()
    {
        var ambiguous = (SipRequest)Parse("REGISTER sip:[2001:db8::10:5070] SIP/2.0", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111");
        Assert.True(ambiguous.TryValidate(out _));
        Assert.Equal("[2001:db8::10:5070]", ambiguous.RequestUri.Host);
        Assert.Null(ambiguous.RequestUri.Port);

        var clear = (SipRequest)Parse("REGISTER sip:[2001:db8::10]:5070 SIP/2.0", "SIP/2.0/UDP [2001:db8::9:1];branch=z9hG4bKas3-111");
        Assert.True(clear.TryValidate(out _));
        Assert.Equal("[2001:db8::10]", clear.RequestUri.Host);
        Assert.Equal(5070, clear.RequestUri.Port);
    }

    [Theory]
    // §4.5: received with and without brackets; both must be usable.
    [InlineData("SIP/2.0/UDP [2001:db8::9:1];received=[2001:db8::9:255];branch=z9hG4bKas3-111")]
    [InlineData("SIP/2.0/UDP [2001:db8::9:1];received=2001:db8::9:255;branch=z9hG4bKas3")]
    public void Received_ipv6_in_via_4_5(string via)
    {
        var m = Parse("OPTIONS sip:[2001:db8::10] SIP/2.0", via);
        Assert.True(m.TryValidate(out var error), error.ToString());
        Assert.Equal(("2001:db8::9:255", 5060), m.TopVia!.ResponseDestination());
    }
}
