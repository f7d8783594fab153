using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using FaxPost.Telephony.Sip.Dns;

namespace FaxPost.Telephony.Tests.Dns;

/// <summary>
/// A private dnsmasq (Debian's dnsmasq-base) on a loopback port, serving only the records a test
/// gives it (--no-resolv, --no-hosts): SRV, NAPTR, A/AAAA. Queries are logged so tests can count them.
/// </summary>
internal sealed class DnsmasqFixture : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private DnsmasqFixture(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>A resolver that asks only this dnsmasq (short timeout: it is on loopback).</summary>
    public DnsResolver Resolver(TimeProvider? time = null) =>
        new(new DnsResolverOptions { Servers = [EndPoint], Timeout = TimeSpan.FromSeconds(2), Attempts = 2 }, time);

    /// <summary>Queries dnsmasq logged for <paramref name="name"/>.</summary>
    public int QueriesFor(string name) => _log.Count(l => l.Contains("query[", StringComparison.Ordinal) && l.Contains(" " + name + " ", StringComparison.OrdinalIgnoreCase));

    public string Log => string.Join('\n', _log);

    /// <summary>SIGHUP: dnsmasq reads its --addn-hosts files again (records changed under a running server).</summary>
    public async Task ReloadAsync()
    {
        using var kill = Process.Start("kill", ["-HUP", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <param name="records">dnsmasq options naming records, e.g. "--srv-host=_sip._udp.example.test,sip1.example.test,5070,10,50" ("--local-ttl=1" instead of the default 60 s).</param>
    public static async Task<DnsmasqFixture> StartAsync(params string[] records)
    {
        const string binary = "/usr/sbin/dnsmasq";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("dnsmasq is not installed: run scripts/test.sh (install_test_deps installs dnsmasq-base) or apt-get install dnsmasq-base.");
        }

        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort();
            var info = new ProcessStartInfo(binary)
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            foreach (var arg in new[]
            {
                "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
                "--listen-address=127.0.0.1", "--bind-interfaces", $"--port={port}", "--pid-file=",
                "--local=/test/", "--local=/invalid/", "--user=root", "--log-queries", "--log-facility=-", "--cache-size=0",
            }.Concat(records.Any(r => r.StartsWith("--local-ttl=", StringComparison.Ordinal)) ? records : [.. records, "--local-ttl=60"]))
            {
                info.ArgumentList.Add(arg);
            }

            var process = Process.Start(info) ?? throw new InvalidOperationException("dnsmasq did not start");
            var fixture = new DnsmasqFixture(process, port);
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { fixture._log.Enqueue(e.Data); } };
            process.OutputDataReceived += (_, e) => { if (e.Data is not null) { fixture._log.Enqueue(e.Data); } };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            if (await fixture.ReadyAsync())
            {
                return fixture;
            }

            var log = fixture.Log;
            await fixture.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException("dnsmasq did not come up:\n" + log);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    /// <summary>Asks for an A record that is not there until dnsmasq answers (it starts in a moment).</summary>
    private async Task<bool> ReadyAsync()
    {
        var resolver = new DnsResolver(new DnsResolverOptions { Servers = [EndPoint], Timeout = TimeSpan.FromMilliseconds(200), Attempts = 1 });
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                return false;
            }

            try
            {
                await resolver.QueryAsync("ready.invalid", DnsRecordType.A);
                return true;
            }
            catch (DnsResolveException)
            {
                await Task.Delay(50);
            }
        }

        return false;
    }

    private static int FreePort()
    {
        using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)udp.LocalEndPoint!).Port;
    }
}
