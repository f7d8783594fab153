using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip;
using FaxPost.Telephony.Sip.Auth;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Sip.Transactions;
using FaxPost.Telephony.Tests.Dns;
using static FaxPost.Telephony.Tests.SipStack.SipStackTestSupport;

namespace FaxPost.Telephony.Tests.SipStack;

/// <summary>RFC 3263 against a real nameserver (dnsmasq): SRV, NAPTR, failover; and RFC 3261 §18.1.1.</summary>
public sealed class SipDnsTests
{
    private static SipRegistration Registration(string registrar) => new()
    {
        Registrar = SipUri.Parse(registrar),
        AddressOfRecord = SipUri.Parse("sip:alice@provider.test"),
        Credentials = new SipCredentials("alice", "pw"),
        Expires = TimeSpan.FromSeconds(600),
    };

    [Fact]
    public async Task A_registrar_found_only_through_srv_is_registered_with()
    {
        var registrar = new TestRegistrar("alice", "pw");
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        var port = server.LocalEndPoint(SipTransportKind.Udp)!.Port;
        await using var dns = await DnsmasqFixture.StartAsync(
            $"--srv-host=_sip._udp.provider.test,reg.provider.test,{port},10,0",
            "--host-record=reg.provider.test,127.0.0.1");
        await using var ua = await StartAsync(Options(SipTransportKind.Udp) with { Dns = dns.Resolver() });

        var result = await Within(ua.RegisterAsync(Registration("sip:provider.test")));

        Assert.True(result.Success, result.ToString());
        Assert.Equal(2, registrar.Count);
        Assert.Equal(1, dns.QueriesFor("_sip._udp.provider.test"));   // cached for the second REGISTER
    }

    [Fact]
    public async Task A_dead_first_srv_target_gives_way_to_the_second()
    {
        var registrar = new TestRegistrar("alice", "pw");
        await using var server = await StartAsync(Options(SipTransportKind.Udp));
        server.RequestHandler = registrar.HandleAsync;
        using var dead = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));     // takes datagrams, never answers
        var deadPort = ((IPEndPoint)dead.Client.LocalEndPoint!).Port;
        await using var dns = await DnsmasqFixture.StartAsync(
            $"--srv-host=_sip._udp.provider.test,down.provider.test,{deadPort},10,0",
            $"--srv-host=_sip._udp.provider.test,up.provider.test,{server.LocalEndPoint(SipTransportKind.Udp)!.Port},20,0",
            "--host-record=down.provider.test,127.0.0.1",
            "--host-record=up.provider.test,127.0.0.1");
        var log = new CapturingLogger();

        // A short T1 so timer F (64*T1) ends the first try in 3.2 s.
        await using var ua = await StartAsync(Options(SipTransportKind.Udp) with
        {
            Dns = dns.Resolver(),
            Timers = new SipTimerSettings { T1 = TimeSpan.FromMilliseconds(50), T2 = TimeSpan.FromMilliseconds(400) },
        }, log);

        var result = await Within(ua.RegisterAsync(Registration("sip:provider.test")));

        Assert.True(result.Success, result.ToString());
        Assert.True(dead.Available > 0, "the first target was not tried");
        Assert.Contains(log.Lines, l => l.Id.Id == 5123 && l.Text.Contains($":{deadPort}", StringComparison.Ordinal));
        Assert.Equal(2, registrar.Count);

        // The refresh goes straight to the server that answered, without waiting out the dead one again.
        var refresh = await Within(ua.RegisterAsync(Registration("sip:provider.test")));
        Assert.True(refresh.Success, refresh.ToString());
        Assert.Single(log.Lines, l => l.Id.Id == 5123);
    }

    [Fact]
    public async Task Naptr_chooses_tcp_over_a_udp_srv_and_a_refused_connection_fails_over_at_once()
    {
        var registrar = new TestRegistrar("alice", "pw");
        await using var server = await StartAsync(Options(SipTransportKind.Tcp));
        server.RequestHandler = registrar.HandleAsync;
        var closed = ClosedTcpPort();
        await using var dns = await DnsmasqFixture.StartAsync(
            "--naptr-record=provider.test,10,10,s,SIP+D2T,,_sip._tcp.provider.test",
            "--naptr-record=provider.test,20,10,s,SIP+D2U,,_sip._udp.provider.test",
            $"--srv-host=_sip._tcp.provider.test,closed.provider.test,{closed},1,0",
            $"--srv-host=_sip._tcp.provider.test,reg.provider.test,{server.LocalEndPoint(SipTransportKind.Tcp)!.Port},2,0",
            $"--srv-host=_sip._udp.provider.test,reg.provider.test,{server.LocalEndPoint(SipTransportKind.Udp)!.Port},1,0",
            "--host-record=closed.provider.test,127.0.0.1",
            "--host-record=reg.provider.test,127.0.0.1");
        var log = new CapturingLogger();
        await using var ua = await StartAsync(Options(SipTransportKind.Tcp) with { DefaultTransport = SipTransportKind.Udp, Dns = dns.Resolver() }, log);

        var result = await Within(ua.RegisterAsync(Registration("sip:provider.test")));

        Assert.True(result.Success, result.ToString());
        Assert.All(registrar.Requests, r => Assert.Equal("TCP", r.TopVia!.Transport));
        Assert.Contains(log.Lines, l => l.Id.Id == 5123 && l.Text.Contains($"TCP:127.0.0.1:{closed}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invite_whose_first_server_refuses_the_connection_reaches_the_second()
    {
        await using var callee = await StartAsync(Options(SipTransportKind.Tcp));
        var calls = 0;
        callee.IncomingCall = (incoming, _) =>
        {
            Interlocked.Increment(ref calls);
            incoming.Reject(486);
            return Task.CompletedTask;
        };
        var closed = ClosedTcpPort();
        await using var dns = await DnsmasqFixture.StartAsync(
            $"--srv-host=_sip._tcp.carrier.test,a.carrier.test,{closed},10,0",
            $"--srv-host=_sip._tcp.carrier.test,b.carrier.test,{callee.LocalEndPoint(SipTransportKind.Tcp)!.Port},20,0",
            "--host-record=a.carrier.test,127.0.0.1",
            "--host-record=b.carrier.test,127.0.0.1");
        var log = new CapturingLogger();
        await using var caller = await StartAsync(Options(SipTransportKind.Tcp) with { Dns = dns.Resolver() }, log);

        var result = await Within(caller.InviteAsync(new SipInviteOptions { Target = SipUri.Parse("sip:+4930555@carrier.test;transport=tcp") }));

        Assert.Equal(486, result.StatusCode);
        Assert.Equal(1, calls);
        Assert.Contains(log.Lines, l => l.Id.Id == 5123 && l.Text.StartsWith("INVITE", StringComparison.Ordinal) && l.Text.Contains($":{closed}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_over_1300_bytes_for_udp_goes_over_tcp()
    {
        var port = Kamailio.KamailioFixture.FreePort();
        var both = Options(SipTransportKind.Tcp) with { Udp = new IPEndPoint(IPAddress.Loopback, port), Tcp = new IPEndPoint(IPAddress.Loopback, port) };
        await using var callee = await StartAsync(both);
        var seen = new List<(SipTransportKind Transport, string Via)>();
        callee.IncomingCall = (incoming, _) =>
        {
            lock (seen)
            {
                seen.Add((incoming.Source.Transport, incoming.Invite.TopVia!.Transport));
            }

            incoming.Reject(486);
            return Task.CompletedTask;
        };
        await using var caller = await StartAsync(Options(SipTransportKind.Tcp) with { DefaultTransport = SipTransportKind.Udp });
        var target = SipUri.Parse($"sip:fax@127.0.0.1:{port}");

        var small = await Within(caller.InviteAsync(new SipInviteOptions { Target = target }));
        var big = await Within(caller.InviteAsync(new SipInviteOptions { Target = target, Headers = [new("X-Padding", new string('p', 1400))] }));

        Assert.Equal((486, 486), (small.StatusCode, big.StatusCode));
        Assert.Equal(SipTransportKind.Udp, seen[0].Transport);
        Assert.Equal(SipTransportKind.Tcp, seen[1].Transport);
        Assert.Equal("TCP", seen[1].Via);
    }

    private static int ClosedTcpPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
