using FaxPost.Telephony.Trunks;

namespace FaxPost.Telephony.Tests.Trunks;

public sealed class SipOptionsTests
{
    [Fact]
    public void A_complete_configuration_has_no_errors()
    {
        var options = TrunkTestData.Options(o => o.Trunks.Add(TrunkTestData.Trunk("pbx", t =>
        {
            t.Register = false;
            t.Username = "";
            t.Password = "";
            t.Registrar = "[2001:db8::5]:5070";
            t.Routes = [new TrunkRoute { Prefix = "+4989", Cost = 0 }, new TrunkRoute { Prefix = "+", Cost = 5 }];
            t.NumberFormat = TrunkNumberFormat.NationalWithAccessCode;
            t.CalledNumber = CalledNumberSource.Diversion;
            t.T38 = T38Policy.AwaitPeer;
        })));

        Assert.Empty(options.Validate());
    }

    public static TheoryData<string, string> Mistakes => new()
    {
        { "no-listen", "Sip:Listen must list" },
        { "listen-address", "Sip:Listen:0:Address" },
        { "listen-port", "Sip:Listen:0:Port" },
        { "tls-no-cert", "Sip:Listen:0:Certificate" },
        { "listen-twice", "Sip:Listen:1: one listening address per transport" },
        { "rate", "Sip:RateLimit" },
        { "no-trunks", "Sip:Trunks must list" },
        { "dup-name", "Sip:Trunks:1:Name 'Carrier' is used by another trunk" },
        { "bad-name", "Sip:Trunks:0:Name" },
        { "registrar", "Sip:Trunks:0:Registrar" },
        { "registrar-port", "Sip:Trunks:0:Registrar" },
        { "proxy", "Sip:Trunks:0:Proxy" },
        { "no-user", "Sip:Trunks:0:Username is required" },
        { "no-password", "Sip:Trunks:0:Password is required" },
        { "expires", "Sip:Trunks:0:RegisterExpires" },
        { "from", "Sip:Trunks:0:FromNumber" },
        { "channels", "Sip:Trunks:0:Channels" },
        { "prefix", "Sip:Trunks:0:Routes:0:Prefix" },
        { "cost", "Sip:Trunks:0:Routes:0:Cost" },
        { "dial-prefix", "Sip:Trunks:0:DialPrefix" },
        { "acl", "Sip:Trunks:0:InboundAddresses:1" },
        { "fallback-rate", "Sip:Trunks:0:FallbackMaxBitRate" },
        { "fallback-n", "Sip:Trunks:0:FallbackAfterFailures" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Each_mistake_is_named_by_its_key(string mistake, string expected)
    {
        var options = TrunkTestData.Options(o =>
        {
            var t = o.Trunks[0];
            switch (mistake)
            {
                case "no-listen": o.Listen.Clear(); break;
                case "listen-address": o.Listen[0].Address = "localhost"; break;
                case "listen-port": o.Listen[0].Port = 70000; break;
                case "tls-no-cert": o.Listen[0].Transport = SipTrunkTransport.Tls; break;
                case "listen-twice": o.Listen.Add(new SipListenOptions { Address = "127.0.0.1", Port = 5070 }); break;
                case "rate": o.RateLimit.RequestsPerSecond = 0; break;
                case "no-trunks": o.Trunks.Clear(); break;
                case "dup-name": o.Trunks.Add(TrunkTestData.Trunk("Carrier")); break;
                case "bad-name": t.Name = "my trunk"; break;
                case "registrar": t.Registrar = "sip carrier"; break;
                case "registrar-port": t.Registrar = "sip.carrier.example:0"; break;
                case "proxy": t.Proxy = "proxy:abc"; break;
                case "no-user": t.Username = ""; break;
                case "no-password": t.Password = ""; break;
                case "expires": t.RegisterExpires = 10; break;
                case "from": t.FromNumber = "089 1234"; break;
                case "channels": t.Channels = 0; break;
                case "prefix": t.Routes = [new TrunkRoute { Prefix = "0049" }]; break;
                case "cost": t.Routes = [new TrunkRoute { Prefix = "+49", Cost = -1 }]; break;
                case "dial-prefix": t.DialPrefix = "01x"; break;
                case "acl": t.InboundAddresses.Add("192.0.2.0/33"); break;
                case "fallback-rate": t.FallbackMaxBitRate = 14400; break;
                case "fallback-n": t.FallbackAfterFailures = -1; break;
                default: throw new ArgumentOutOfRangeException(nameof(mistake));
            }
        });

        var errors = options.Validate();

        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void The_password_never_appears_in_an_error()
    {
        var options = TrunkTestData.Options(o => o.Trunks[0].Registrar = "bad host");

        Assert.DoesNotContain(options.Validate(), e => e.Contains("s3cret", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("sip.example", "sip.example", null)]
    [InlineData("sip.example:5080", "sip.example", 5080)]
    [InlineData("192.0.2.1", "192.0.2.1", null)]
    [InlineData("[2001:db8::1]:5061", "[2001:db8::1]", 5061)]
    public void Host_and_port_are_read(string text, string host, int? port)
    {
        Assert.True(TrunkHostPort.TryParse(text, out var hp));
        Assert.Equal(host, hp.Host);
        Assert.Equal(port, hp.Port);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("host:")]
    [InlineData("host:65536")]
    [InlineData("[2001:db8::1")]
    [InlineData("[192.0.2.1]:5060")]
    [InlineData("2001:db8::1")]
    public void Bad_host_and_port_is_refused(string text) => Assert.False(TrunkHostPort.TryParse(text, out _));

    [Fact]
    public void Effective_values_follow_the_settings()
    {
        var t = TrunkTestData.Trunk();
        Assert.Equal("sip.carrier.example", t.EffectiveDomain);
        Assert.Equal("sip.carrier.example:5060", t.CallTarget);
        Assert.Equal("4989123400", t.EffectiveAuthUsername);

        t.Proxy = "edge.carrier.example";
        t.Domain = "carrier.example";
        t.AuthUsername = "auth-id";
        Assert.Equal("carrier.example", t.EffectiveDomain);
        Assert.Equal("edge.carrier.example", t.CallTarget);
        Assert.Equal("auth-id", t.EffectiveAuthUsername);
    }
}
