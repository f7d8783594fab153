using System.Net;
using FaxPost.Telephony.Sip.Dns;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Telephony.Tests.Dns;

/// <summary>The resolver against a real nameserver (dnsmasq) on loopback.</summary>
public sealed class DnsResolverTests
{
    [Fact]
    public async Task Reads_srv_naptr_a_and_aaaa_from_dnsmasq()
    {
        await using var dns = await DnsmasqFixture.StartAsync(
            "--srv-host=_sip._udp.example.test,sip1.example.test,5070,10,60",
            "--srv-host=_sip._udp.example.test,sip2.example.test,5080,20,0",
            "--naptr-record=example.test,10,50,s,SIP+D2T,,_sip._tcp.example.test",
            "--host-record=sip1.example.test,192.0.2.10,2001:db8::10");
        var resolver = dns.Resolver();

        var srv = (await resolver.QueryAsync("_sip._udp.example.test", DnsRecordType.Srv)).Records.Cast<DnsSrvRecord>().OrderBy(r => r.Priority).ToList();
        Assert.Equal([("sip1.example.test", (ushort)5070, (ushort)10, (ushort)60), ("sip2.example.test", (ushort)5080, (ushort)20, (ushort)0)],
            srv.Select(r => (r.Target, r.Port, r.Priority, r.Weight)).ToList());

        var naptr = Assert.IsType<DnsNaptrRecord>(Assert.Single((await resolver.QueryAsync("example.test", DnsRecordType.Naptr)).Records));
        Assert.Equal(("s", "SIP+D2T", "_sip._tcp.example.test", (ushort)10, (ushort)50), (naptr.Flags, naptr.Services, naptr.Replacement, naptr.Order, naptr.Preference));

        var a = await resolver.QueryAsync("SIP1.example.test.", DnsRecordType.A);
        Assert.Equal(IPAddress.Parse("192.0.2.10"), Assert.IsType<DnsAddressRecord>(Assert.Single(a.Records)).Address);
        Assert.Equal(TimeSpan.FromSeconds(60), a.Ttl);
        var aaaa = await resolver.QueryAsync("sip1.example.test", DnsRecordType.Aaaa);
        Assert.Equal(IPAddress.Parse("2001:db8::10"), Assert.IsType<DnsAddressRecord>(Assert.Single(aaaa.Records)).Address);

        var none = await resolver.QueryAsync("_sip._tcp.nowhere.test", DnsRecordType.Srv);
        Assert.Empty(none.Records);
    }

    [Fact]
    public async Task Answers_are_cached_for_their_ttl_on_the_injected_clock()
    {
        await using var dns = await DnsmasqFixture.StartAsync("--host-record=cached.example.test,192.0.2.20");
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var resolver = new DnsResolver(new DnsResolverOptions { Servers = [dns.EndPoint] }, clock);

        await resolver.QueryAsync("cached.example.test", DnsRecordType.A);
        clock.Advance(TimeSpan.FromSeconds(59));
        var again = await resolver.QueryAsync("cached.example.test", DnsRecordType.A);
        Assert.Equal(1, resolver.QueriesSent);
        Assert.Equal(TimeSpan.FromSeconds(1), again.Ttl);

        clock.Advance(TimeSpan.FromSeconds(2));
        await resolver.QueryAsync("cached.example.test", DnsRecordType.A);
        Assert.Equal(2, resolver.QueriesSent);
    }

    [Fact]
    public async Task A_truncated_answer_is_asked_again_over_tcp()
    {
        // 30 SRV records with long targets do not fit in 512 octets: dnsmasq sets TC and answers in full over TCP.
        var records = Enumerable.Range(1, 30).Select(i => $"--srv-host=_sip._udp.big.test,a-rather-long-server-name-number-{i}.big.test,5060,{i},0").ToArray();
        await using var dns = await DnsmasqFixture.StartAsync(records);

        var answer = await dns.Resolver().QueryAsync("_sip._udp.big.test", DnsRecordType.Srv);

        Assert.Equal(30, answer.Records.Count);
        Assert.Equal(2, dns.QueriesFor("_sip._udp.big.test"));   // once over UDP (truncated), once over TCP
    }

    [Fact]
    public async Task A_dead_server_is_skipped_for_the_next_one()
    {
        await using var dns = await DnsmasqFixture.StartAsync("--host-record=second.example.test,192.0.2.30");
        using var dead = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));   // never answers
        var resolver = new DnsResolver(new DnsResolverOptions
        {
            Servers = [(IPEndPoint)dead.Client.LocalEndPoint!, dns.EndPoint],
            Timeout = TimeSpan.FromMilliseconds(300),
        });

        var answer = await resolver.QueryAsync("second.example.test", DnsRecordType.A);

        Assert.Single(answer.Records);
        await Assert.ThrowsAsync<DnsResolveException>(() =>
            new DnsResolver(new DnsResolverOptions { Servers = [(IPEndPoint)dead.Client.LocalEndPoint!], Timeout = TimeSpan.FromMilliseconds(100), Attempts = 1 })
                .QueryAsync("x.example.test", DnsRecordType.A));
    }

    [Fact]
    public void Resolv_conf_gives_servers_and_options()
    {
        var options = DnsResolverOptions.FromResolvConf("# comment\nsearch example.com\nnameserver 192.0.2.53\nnameserver fe80::1%eth0\noptions timeout:3 attempts:4 rotate\n");
        Assert.Equal([new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), new IPEndPoint(IPAddress.Parse("fe80::1"), 53)], options.Servers);
        Assert.Equal(TimeSpan.FromSeconds(3), options.Timeout);
        Assert.Equal(4, options.Attempts);
        Assert.Equal([new IPEndPoint(IPAddress.Loopback, 53)], DnsResolverOptions.FromResolvConf("").Servers);
    }
}
