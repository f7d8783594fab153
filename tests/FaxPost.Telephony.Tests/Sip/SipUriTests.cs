using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Sip;

public sealed class SipUriTests
{
    [Fact]
    public void Sip_uri_parts()
    {
        var uri = SipUri.Parse("sips:alice@atlanta.example.com:5061;transport=tcp;lr?subject=project%20x&priority=urgent");
        Assert.Equal("sips", uri.Scheme);
        Assert.Equal("alice", uri.User);
        Assert.Equal("atlanta.example.com", uri.Host);
        Assert.Equal(5061, uri.Port);
        Assert.Equal("tcp", uri.Transport);
        Assert.True(uri.IsLooseRouter);
        Assert.Equal("project x", uri.Headers["subject"]);
        Assert.Equal("urgent", uri.Headers["priority"]);
    }

    [Theory]
    [InlineData("sip:[2001:db8::10]", "[2001:db8::10]", null)]
    [InlineData("sip:[2001:db8::10]:5070", "[2001:db8::10]", 5070)]
    [InlineData("sip:user@192.0.2.4:5060", "192.0.2.4", 5060)]
    [InlineData("SIP:host.example.com", "host.example.com", null)]
    public void Hosts_and_ports(string text, string host, int? port)
    {
        var uri = SipUri.Parse(text);
        Assert.Equal(host, uri.Host);
        Assert.Equal(port, uri.Port);
        Assert.True(uri.IsSip);
    }

    [Fact]
    public void Password_is_accepted_but_not_kept()
    {
        var uri = SipUri.Parse("sip:alice:secretword@example.com");
        Assert.Equal("alice", uri.User);
        Assert.True(uri.HadPassword);
        Assert.DoesNotContain(typeof(SipUri).GetProperties(), p => p.Name.Contains("Password", StringComparison.Ordinal) && p.PropertyType == typeof(string));
    }

    [Fact]
    public void Tel_uri()
    {
        var uri = SipUri.Parse("tel:+49-30-123456;phone-context=example.com");
        Assert.True(uri.IsTel);
        Assert.Equal("+49-30-123456", uri.User);
        Assert.Equal("example.com", uri.Parameters["phone-context"]);
    }

    [Theory]
    [InlineData("sip:")]
    [InlineData("sip:user@")]
    [InlineData("sip:2001:db8::10")]
    [InlineData("sip:[2001:db8::zz]")]
    [InlineData("sip:user@host:99999")]
    [InlineData("sip:us er@host")]
    [InlineData("sip:user@host;a=%4")]
    [InlineData("sip:user@host?x")]
    [InlineData("tel:")]
    [InlineData("1sip:a@b")]
    [InlineData("<sip:a@b>")]
    public void Malformed_uris_are_rejected(string text) => Assert.False(SipUri.TryParse(text, out _));

    [Fact]
    public void Created_uri_escapes_user()
    {
        var uri = SipUri.Create("sip", "I have spaces", "example.net", 5060, new SipParameters().Set("transport", "udp"));
        Assert.Equal("sip:I%20have%20spaces@example.net:5060;transport=udp", uri.ToString());
        Assert.Equal("I have spaces", uri.User);
        Assert.Equal("sip:[2001:db8::1]", SipUri.Create("sip", null, "2001:db8::1").ToString());
    }

    [Theory]
    [InlineData("\"A. G. Bell\" <sip:agb@bell-telephone.com> ;tag=a48s", "A. G. Bell", "agb", "a48s")]
    [InlineData("Anonymous <sip:c8oqz84zk7z@privacy.org>;tag=hyh8", "Anonymous", "c8oqz84zk7z", "hyh8")]
    [InlineData("sip:+12125551212@phone2net.com;tag=887s", null, "+12125551212", "887s")]
    [InlineData("<sip:bob@biloxi.example.com>", null, "bob", null)]
    [InlineData("\"\" <sip:bob@192.0.2.4>", "", "bob", null)]
    public void Name_addr_forms(string text, string? display, string user, string? tag)
    {
        var addr = SipNameAddress.Parse(text);
        Assert.Equal(display, addr.DisplayName);
        Assert.Equal(user, addr.Uri.User);
        Assert.Equal(tag, addr.Tag);
    }

    [Fact]
    public void Name_addr_round_trips_through_to_string()
    {
        var addr = new SipNameAddress(SipUri.Parse("sip:fax@example.com"), "Fax \"Line\" 1", new SipParameters().Set("tag", "x1"));
        var again = SipNameAddress.Parse(addr.ToString());
        Assert.Equal("Fax \"Line\" 1", again.DisplayName);
        Assert.Equal("x1", again.Tag);
        Assert.True(SipNameAddress.Parse("*").IsWildcard);
    }

    [Theory]
    [InlineData("SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bK776asdhds;received=192.0.2.1;rport=5066", "UDP", "pc33.atlanta.com", null, 5066)]
    [InlineData("SIP/2.0/TCP [2001:db8::9:1]:5062;branch=z9hG4bKas3", "TCP", "[2001:db8::9:1]", 5062, null)]
    [InlineData("sip / 2.0 / tls host : 5061 ; branch = z9hG4bK1", "TLS", "host", 5061, null)]
    public void Via_forms(string text, string transport, string host, int? port, int? rport)
    {
        var via = SipVia.Parse(text);
        Assert.Equal(transport, via.Transport);
        Assert.Equal(host, via.Host);
        Assert.Equal(port, via.Port);
        Assert.Equal(rport, via.RPort);
        Assert.StartsWith("z9hG4bK", via.Branch, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "192.0.2.1", 5070, null, null, "192.0.2.1", 5060)]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1", "203.0.113.5", 5070, "203.0.113.5", null, "203.0.113.5", 5060)]
    [InlineData("SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK1;rport", "192.0.2.1", 5070, "192.0.2.1", 5070, "192.0.2.1", 5070)]
    [InlineData("SIP/2.0/UDP pc.example.com;branch=z9hG4bK1;rport", "2001:db8::1", 6000, "[2001:db8::1]", 6000, "2001:db8::1", 6000)]
    public void Received_and_rport(string text, string source, int sourcePort, string? received, int? rport, string host, int port)
    {
        var via = SipVia.Parse(text).WithReceivedFrom(source, sourcePort);
        Assert.Equal(received, via.Received);
        Assert.Equal(rport, via.RPort);
        Assert.Equal((host, port), via.ResponseDestination());
        Assert.Equal(via.ToString(), SipVia.Parse(via.ToString()).ToString());
    }

    [Fact]
    public void Via_to_string_parses_back()
    {
        var via = new SipVia("udp", "192.0.2.10", 5060, new SipParameters().Set("branch", "z9hG4bKx").Set("rport", null));
        Assert.Equal("SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKx;rport", via.ToString());
        Assert.True(SipVia.Parse(via.ToString()).HasRPort);
    }
}
