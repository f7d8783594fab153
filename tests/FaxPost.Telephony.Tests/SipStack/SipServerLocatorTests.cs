using System.Net;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Dns;
using FaxPost.Telephony.Sip.Stack;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>RFC 3263 §4 target selection on fixed DNS answers.</summary>
public sealed class SipServerLocatorTests
{
    private static readonly SipTransportKind[] UdpTcp = [SipTransportKind.Udp, SipTransportKind.Tcp];

    [Fact]
    public async Task Naptr_picks_the_transport_by_order_then_preference_and_skips_ones_we_do_not_run()
    {
        var dns = new FakeDns()
            .Naptr("example.com", 20, 10, "SIP+D2U", "_sip._udp.example.com")
            .Naptr("example.com", 10, 20, "SIP+D2T", "_sip._tcp.example.com")
            .Naptr("example.com", 10, 10, "SIP+D2S", "_sips._tcp.example.com")   // TLS: we do not run it
            .Srv("_sip._tcp.example.com", 10, 0, 5070, "tcp.example.com")
            .Srv("_sip._udp.example.com", 10, 0, 5080, "udp.example.com")
            .Srv("_sips._tcp.example.com", 10, 0, 5061, "tls.example.com")
            .Address("tcp.example.com", "192.0.2.1").Address("udp.example.com", "192.0.2.2").Address("tls.example.com", "192.0.2.3");

        var list = await new SipServerLocator(dns, NoSystem).LocateAsync(SipUri.Parse("sip:example.com"), UdpTcp, SipTransportKind.Udp);

        Assert.Equal(["TCP:192.0.2.1:5070", "UDP:192.0.2.2:5080"], list.Targets.Select(t => t.Remote.ToString()).ToList());
    }

    [Fact]
    public async Task Without_naptr_srv_for_our_transport_comes_first()
    {
        var dns = new FakeDns()
            .Srv("_sip._udp.example.com", 10, 0, 5070, "a.example.com")
            .Srv("_sip._udp.example.com", 5, 0, 5071, "b.example.com")
            .Srv("_sip._tcp.example.com", 1, 0, 5072, "c.example.com")
            .Address("a.example.com", "192.0.2.1").Address("b.example.com", "192.0.2.2").Address("c.example.com", "192.0.2.3");

        var udp = await new SipServerLocator(dns, NoSystem).LocateAsync(SipUri.Parse("sip:example.com"), UdpTcp, SipTransportKind.Udp);
        var tcp = await new SipServerLocator(dns, NoSystem).LocateAsync(SipUri.Parse("sip:example.com;transport=tcp"), UdpTcp, SipTransportKind.Udp);

        Assert.Equal(["UDP:192.0.2.2:5071", "UDP:192.0.2.1:5070", "TCP:192.0.2.3:5072"], udp.Targets.Select(t => t.Remote.ToString()).ToList());
        Assert.Equal(["TCP:192.0.2.3:5072"], tcp.Targets.Select(t => t.Remote.ToString()).ToList());
    }

    [Fact]
    public async Task Without_srv_the_addresses_on_the_default_port_and_an_explicit_port_skips_srv()
    {
        var dns = new FakeDns()
            .Srv("_sip._udp.example.com", 10, 0, 5070, "a.example.com")
            .Address("a.example.com", "192.0.2.1")
            .Address("example.com", "192.0.2.9").Address("example.com", "2001:db8::9")
            .Address("plain.example.com", "192.0.2.8");
        var locator = new SipServerLocator(dns, NoSystem);

        var plain = await locator.LocateAsync(SipUri.Parse("sip:plain.example.com"), UdpTcp, SipTransportKind.Udp);
        var withPort = await locator.LocateAsync(SipUri.Parse("sip:example.com:5099"), UdpTcp, SipTransportKind.Udp);
        var literal = await locator.LocateAsync(SipUri.Parse("sip:[2001:db8::1]"), UdpTcp, SipTransportKind.Tcp);

        Assert.Equal(["UDP:192.0.2.8:5060"], plain.Targets.Select(t => t.Remote.ToString()).ToList());
        Assert.Equal(["UDP:192.0.2.9:5099", "UDP:[2001:db8::9]:5099"], withPort.Targets.Select(t => t.Remote.ToString()).ToList());
        Assert.Equal(["TCP:[2001:db8::1]:5060"], literal.Targets.Select(t => t.Remote.ToString()).ToList());

        // §4.2: with a port, neither NAPTR nor SRV is asked for the name (the SRV above is not used).
        Assert.DoesNotContain(("example.com", DnsRecordType.Naptr), dns.Asked);
        Assert.DoesNotContain(("_sip._udp.example.com", DnsRecordType.Srv), dns.Asked);
        Assert.Contains(("plain.example.com", DnsRecordType.Naptr), dns.Asked);
    }

    [Fact]
    public async Task Tls_targets_carry_the_domain_as_server_name_and_ttl_is_the_smallest()
    {
        var dns = new FakeDns()
            .Srv("_sips._tcp.example.com", 10, 0, 5061, "edge.provider.net", ttl: 300)
            .Address("edge.provider.net", "192.0.2.5", ttl: 40);

        var list = await new SipServerLocator(dns, NoSystem).LocateAsync(SipUri.Parse("sips:example.com"), [SipTransportKind.Tls], SipTransportKind.Tls);

        var target = Assert.Single(list.Targets);
        Assert.Equal(("TLS:192.0.2.5:5061", "example.com"), (target.Remote.ToString(), target.ServerName));
        Assert.Equal(TimeSpan.FromSeconds(40), list.Ttl);
    }

    [Fact]
    public async Task A_single_dot_target_means_no_service_and_a_dead_dns_falls_back_to_the_system()
    {
        var dns = new FakeDns().Srv("_sip._udp.example.com", 0, 0, 0, ".").Address("example.com", "192.0.2.4");
        var list = await new SipServerLocator(dns, NoSystem).LocateAsync(SipUri.Parse("sip:example.com"), [SipTransportKind.Udp], SipTransportKind.Udp);
        Assert.Equal(["UDP:192.0.2.4:5060"], list.Targets.Select(t => t.Remote.ToString()).ToList());

        var system = new SipServerLocator(new FakeDns { Dead = true }, (_, _) => Task.FromResult(new[] { IPAddress.Parse("192.0.2.77") }));
        var fallback = await system.LocateAsync(SipUri.Parse("sip:hosts-file-name"), [SipTransportKind.Udp], SipTransportKind.Udp);
        Assert.Equal(["UDP:192.0.2.77:5060"], fallback.Targets.Select(t => t.Remote.ToString()).ToList());
    }

    [Fact]
    public void Srv_order_is_by_priority_and_weights_share_the_first_place_in_proportion()
    {
        DnsSrvRecord R(ushort priority, ushort weight, string target) => new("_sip._udp.x", 60, priority, weight, 5060, target);
        var records = new[] { R(20, 0, "backup"), R(10, 30, "small"), R(10, 70, "big"), R(10, 0, "zero") };
        var random = new Random(2782);
        var firsts = new Dictionary<string, int>();
        for (var i = 0; i < 10_000; i++)
        {
            var order = SipServerLocator.OrderSrv(records, random);
            Assert.Equal(4, order.Count);
            Assert.Equal("backup", order[3].Target);
            firsts[order[0].Target] = firsts.GetValueOrDefault(order[0].Target) + 1;
        }

        // RFC 2782: 70 : 30 of the weight; a zero-weight record is first only when the draw is 0.
        Assert.InRange(firsts["big"], 6_600, 7_400);
        Assert.InRange(firsts["small"], 2_600, 3_400);
        Assert.InRange(firsts.GetValueOrDefault("zero"), 0, 100);
        Assert.Empty(SipServerLocator.OrderSrv([R(0, 0, ".")], random));
    }

    private static Task<IPAddress[]> NoSystem(string name, CancellationToken ct) => Task.FromResult(Array.Empty<IPAddress>());

    /// <summary>A resolver with fixed records; records the questions it was asked.</summary>
    private sealed class FakeDns : IDnsResolver
    {
        private readonly List<DnsRecord> _records = [];

        public List<(string Name, DnsRecordType Type)> Asked { get; } = [];

        public bool Dead { get; init; }

        public FakeDns Naptr(string name, ushort order, ushort preference, string service, string replacement)
        {
            _records.Add(new DnsNaptrRecord(name, 300, order, preference, "S", service, "", replacement));
            return this;
        }

        public FakeDns Srv(string name, ushort priority, ushort weight, ushort port, string target, uint ttl = 300)
        {
            _records.Add(new DnsSrvRecord(name, ttl, priority, weight, port, target));
            return this;
        }

        public FakeDns Address(string name, string address, uint ttl = 300)
        {
            var ip = IPAddress.Parse(address);
            _records.Add(new DnsAddressRecord(name, ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? DnsRecordType.A : DnsRecordType.Aaaa, ttl, ip));
            return this;
        }

        public Task<DnsAnswer> QueryAsync(string name, DnsRecordType type, CancellationToken ct = default)
        {
            Asked.Add((name, type));
            if (Dead)
            {
                throw new DnsResolveException("no server");
            }

            var records = _records.Where(r => r.Type == type && string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)).ToList();
            var ttl = records.Count == 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(records.Min(r => r.Ttl));
            return Task.FromResult(new DnsAnswer(name, type, DnsResponseCode.NoError, records, ttl));
        }
    }
}
