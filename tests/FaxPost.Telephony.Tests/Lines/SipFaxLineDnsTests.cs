using System.Net;
using FaxPost.Telephony.Lines;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Dns;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.T38;
using FaxPost.Telephony.Tests.Dns;
using FaxPost.Telephony.Tests.SipStack;
using FaxPost.Telephony.Trunks;
using static FaxPost.Telephony.Tests.Lines.SipLineTestSupport;

namespace FaxPost.Telephony.Tests.Lines;

/// <summary>Trunks named by domain (RFC 3263) against a real nameserver (dnsmasq).</summary>
public sealed class SipFaxLineDnsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-linedns-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_trunk_named_by_domain_registers_at_the_srv_registrar()
    {
        var registrar = new TestRegistrar("alice", "pw");
        await using var server = await SipStackTestSupport.StartAsync(SipStackTestSupport.Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        await using var dns = await DnsmasqFixture.StartAsync(
            $"--srv-host=_sip._udp.provider.test,reg.provider.test,{server.LocalEndPoint(SipTransportKind.Udp)!.Port},10,0",
            "--host-record=reg.provider.test,127.0.0.1");
        await using var line = await StartLineAsync(dns.Resolver(), new SipTrunkOptions
        {
            Name = "provider",
            Registrar = "provider.test",
            Username = "alice",
            Password = "pw",
            Register = true,
            RegisterExpires = 600,
            Channels = 1,
        });

        await SipStackTestSupport.Eventually(() => line.RegistrationState("provider") == SipRegistrationState.Registered, "registered through SRV");

        Assert.Equal("sip:alice@provider.test", Assert.Single(registrar.Bindings.Keys));
    }

    [Fact]
    public async Task The_inbound_guard_accepts_the_srv_targets_address_and_no_other()
    {
        // The carrier's gateway is only known through SRV: carrier.test -> gw.carrier.test -> 127.0.0.2.
        await using var dns = await DnsmasqFixture.StartAsync(
            "--srv-host=_sip._udp.carrier.test,gw.carrier.test,5060,10,0",
            "--host-record=gw.carrier.test,127.0.0.2",
            "--host-record=carrier.test,127.0.0.4");
        await using var line = await StartLineAsync(dns.Resolver(), new SipTrunkOptions
        {
            Name = "carrier",
            Registrar = "carrier.test",
            Register = false,
            Channels = 1,
            NumberFormat = TrunkNumberFormat.E164WithoutPlus,
        });
        var sink = new RecordingSink(_dir) { Refuse = true };
        using var stop = new CancellationTokenSource();
        var inbound = line.RunInboundAsync(sink, stop.Token);
        var target = SipUri.Parse($"sip:4930555@127.0.0.1:{Port(line)}");

        var fromGateway = await CallFromAsync("127.0.0.2", target);
        var fromStranger = await CallFromAsync("127.0.0.3", target);
        await stop.CancelAsync();
        await inbound;

        Assert.NotEqual(403, fromGateway);
        Assert.Single(sink.Offered);
        Assert.Equal(403, fromStranger);
    }

    [Fact]
    public async Task The_guard_follows_the_trunks_dns_when_its_ttl_runs_out()
    {
        // The gateway moves from 127.0.0.6 to 127.0.0.7; the answers live 1 s. The line is told its
        // nameserver the way faxpost.json does (Sip:Nameservers).
        var hosts = Path.Combine(_dir, "hosts");
        await File.WriteAllTextAsync(hosts, "127.0.0.6 gw.carrier.test\n");
        await using var dns = await DnsmasqFixture.StartAsync(
            "--srv-host=_sip._udp.carrier.test,gw.carrier.test,5060,10,0", $"--addn-hosts={hosts}", "--local-ttl=1");
        var options = new SipFaxLineOptions
        {
            Sip = new SipOptions
            {
                Listen = [new SipListenOptions { Transport = SipTrunkTransport.Udp, Address = "127.0.0.1", Port = 0 }],
                Nameservers = [$"127.0.0.1:{dns.Port}"],
                Trunks = [new SipTrunkOptions { Name = "carrier", Registrar = "carrier.test", Register = false, Channels = 1, NumberFormat = TrunkNumberFormat.E164WithoutPlus }],
            },
            Numbering = Numbering("30", "555"),
            MediaBindAddress = IPAddress.Loopback,
            Endpoint = new T38EndpointOptions { Pacing = false },
        };
        var log = new LogCapture();
        await using var line = new SipFaxLine(options, log);
        await line.StartAsync();
        using var stop = new CancellationTokenSource();
        var inbound = line.RunInboundAsync(new RecordingSink(_dir) { Refuse = true }, stop.Token);
        var target = SipUri.Parse($"sip:4930555@127.0.0.1:{Port(line)}");

        Assert.NotEqual(403, await CallFromAsync("127.0.0.6", target));
        Assert.Equal(403, await CallFromAsync("127.0.0.7", target));

        await File.WriteAllTextAsync(hosts, "127.0.0.7 gw.carrier.test\n");
        await dns.ReloadAsync();
        var status = 403;
        var until = DateTime.UtcNow.AddSeconds(30);
        while (status == 403 && DateTime.UtcNow < until)
        {
            await Task.Delay(250);
            status = await CallFromAsync("127.0.0.7", target);
        }

        Assert.NotEqual(403, status);
        Assert.Equal(403, await CallFromAsync("127.0.0.6", target));

        // DNS goes away: once the TTL has run out the guard asks, hears nothing, and keeps what it had.
        await dns.DisposeAsync();
        await Task.Delay(1500);
        Assert.NotEqual(403, await CallFromAsync("127.0.0.7", target));
        Assert.Contains(log.Lines, l => l.Id.Id == 5210);
        await stop.CancelAsync();
        await inbound;

        Assert.Contains(new SipOptions { Nameservers = ["dns.example"] }.Validate(), e => e.StartsWith("Sip:Nameservers:0", StringComparison.Ordinal));
    }

    private static async Task<int> CallFromAsync(string address, SipUri target)
    {
        await using var caller = await SipStackTestSupport.StartAsync(new SipUserAgentOptions
        {
            Udp = new IPEndPoint(IPAddress.Parse(address), 0),
            AdvertisedHost = address,
            MediaBindAddress = IPAddress.Parse(address),
        });
        var result = await SipStackTestSupport.Within(caller.InviteAsync(new SipInviteOptions { Target = target }));
        return result.StatusCode;
    }

    private static async Task<SipFaxLine> StartLineAsync(IDnsResolver dns, SipTrunkOptions trunk)
    {
        var line = new SipFaxLine(new SipFaxLineOptions
        {
            Sip = new SipOptions
            {
                Listen = [new SipListenOptions { Transport = SipTrunkTransport.Udp, Address = "127.0.0.1", Port = 0 }],
                Trunks = [trunk],
            },
            Numbering = Numbering("30", "555"),
            MediaBindAddress = IPAddress.Loopback,
            Dns = dns,
            Endpoint = new T38EndpointOptions { Pacing = false },
        });
        await line.StartAsync();
        return line;
    }
}
