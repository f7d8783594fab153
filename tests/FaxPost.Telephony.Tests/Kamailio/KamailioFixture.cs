using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FaxPost.Telephony.Sip;

namespace FaxPost.Telephony.Tests.Kamailio;

/// <summary>
/// A private Kamailio (Debian package) on loopback: registrar with digest authentication against a
/// static user list written into its configuration, and a proxy that finds callees by their
/// registration (usrloc lookup) and record-routes INVITEs. Every request it sees is logged with a
/// "FAXTEST" marker so tests can count them (e.g. no REGISTER storm after a wrong password).
/// </summary>
internal sealed class KamailioFixture : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;
    private readonly ConcurrentQueue<string> _log = new();

    private KamailioFixture(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    public IPEndPoint EndPoint => new(IPAddress.Loopback, Port);

    /// <summary>The SIP domain and digest realm (Kamailio challenges with the From/To host).</summary>
    public string Domain => "127.0.0.1";

    /// <summary>Lines Kamailio wrote with our marker, in order.</summary>
    public IReadOnlyList<string> Marked => _log.Where(l => l.Contains("FAXTEST", StringComparison.Ordinal)).ToList();

    public int Count(string text) => Marked.Count(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits (up to <paramref name="timeout"/>) until <paramref name="text"/> was logged at least <paramref name="count"/> times; returns the count.</summary>
    public async Task<int> WaitForAsync(string text, int count = 1, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (Count(text) < count && clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(10)))
        {
            await Task.Delay(50);
        }

        return Count(text);
    }

    /// <param name="users">Digest users and passwords (REGISTER and INVITE are challenged).</param>
    /// <param name="staticRoutes">
    /// Numbers routed to a fixed loopback port without registration (a peer that cannot register, like
    /// a gateway); requests from those ports are trusted by address, not challenged.
    /// </param>
    public static async Task<KamailioFixture> StartAsync(IReadOnlyDictionary<string, string> users, IReadOnlyDictionary<string, int>? staticRoutes = null, CancellationToken ct = default)
    {
        const string binary = "/usr/sbin/kamailio";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException("kamailio is not installed: run scripts/test.sh (install_test_deps installs it) or apt-get install kamailio.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "faxpost-kamailio-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var port = FreePort();
        var config = Path.Combine(directory, "kamailio.cfg");
        await File.WriteAllTextAsync(config, Configuration(port, users, staticRoutes ?? new Dictionary<string, int>()), ct);
        var info = new ProcessStartInfo(binary)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "-f", config, "-DD", "-E", "-n", "2", "-w", directory, "-P", Path.Combine(directory, "kamailio.pid"), "-m", "32", "-M", "8" })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("kamailio did not start");
        var fixture = new KamailioFixture(process, directory, port);
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { fixture._log.Enqueue(e.Data); } };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { fixture._log.Enqueue(e.Data); } };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await fixture.WaitReadyAsync(ct);
        }
        catch
        {
            await fixture.DisposeAsync();
            throw;
        }

        return fixture;
    }

    /// <summary>Sends OPTIONS until Kamailio answers 200 (it takes a moment to fork its workers).</summary>
    private async Task WaitReadyAsync(CancellationToken ct)
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var local = (IPEndPoint)udp.Client.LocalEndPoint!;
        var deadline = Stopwatch.StartNew();
        for (var i = 0; deadline.Elapsed < TimeSpan.FromSeconds(15); i++)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("kamailio exited at start:\n" + string.Join('\n', _log));
            }

            var options = Encoding.ASCII.GetBytes(
                $"OPTIONS sip:{Domain}:{Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{local.Port};branch=z9hG4bKready{i}\r\n" +
                $"Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p{i}\r\nTo: <sip:{Domain}>\r\nCall-ID: ready-{i}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n");
            await udp.SendAsync(options, EndPoint, ct);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
            wait.CancelAfter(TimeSpan.FromMilliseconds(300));
            try
            {
                var reply = await udp.ReceiveAsync(wait.Token);
                if (SipMessageParser.ParseDatagram(reply.Buffer).Message is SipResponse { StatusCode: 200 })
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
            }
        }

        throw new InvalidOperationException("kamailio did not answer OPTIONS within 15 s:\n" + string.Join('\n', _log));
    }

    /// <summary>A loopback port free for both UDP and TCP (kamailio and SIP test servers listen on both).</summary>
    internal static int FreePort()
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.LocalEndPoint!).Port;
            using var tcp = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                tcp.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
            }
        }

        throw new InvalidOperationException("no loopback port free for UDP and TCP");
    }

    private static string Configuration(int port, IReadOnlyDictionary<string, string> users, IReadOnlyDictionary<string, int> staticRoutes)
    {
        var routes = new StringBuilder();
        foreach (var (number, target) in staticRoutes)
        {
            routes.Append("    if ($rU == \"").Append(number).Append("\") { $du = \"sip:127.0.0.1:").Append(target).Append("\"; t_relay(); exit; }\n");
        }

        // A gateway trusted by its address, as proxies commonly do for peers that cannot authenticate.
        var trusted = staticRoutes.Count == 0 ? "0" : string.Join(" || ", staticRoutes.Values.Select(p => $"$sp == {p}"));

        var passwords = new StringBuilder();
        foreach (var (user, password) in users)
        {
            passwords.Append("    if ($au == \"").Append(user).Append("\") { $var(pw) = \"").Append(password).Append("\"; }\n");
        }

        return $$"""
            #!KAMAILIO
            debug=2
            log_stderror=yes
            children=2
            tcp_children=2
            auto_aliases=no
            listen=udp:127.0.0.1:{{port}}
            listen=tcp:127.0.0.1:{{port}}
            mpath="/usr/lib/x86_64-linux-gnu/kamailio/modules/"
            loadmodule "kex.so"
            loadmodule "corex.so"
            loadmodule "tm.so"
            loadmodule "tmx.so"
            loadmodule "sl.so"
            loadmodule "rr.so"
            loadmodule "pv.so"
            loadmodule "maxfwd.so"
            loadmodule "usrloc.so"
            loadmodule "registrar.so"
            loadmodule "textops.so"
            loadmodule "siputils.so"
            loadmodule "xlog.so"
            loadmodule "sanity.so"
            loadmodule "auth.so"
            modparam("usrloc", "db_mode", 0)
            modparam("rr", "enable_full_lr", 1)
            modparam("registrar", "max_expires", 3600)
            modparam("registrar", "min_expires", 30)

            request_route {
                xlog("L_NOTICE", "FAXTEST rx $rm from $si:$sp user=$fU ruri=$ru\n");
                if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
                if (!sanity_check("1511", "7")) { exit; }
                if (is_method("CANCEL")) { if (t_check_trans()) { t_relay(); } exit; }
                if (has_totag()) {
                    if (loose_route()) { t_relay(); exit; }
                    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
                    sl_send_reply("404", "Not here");
                    exit;
                }
                t_check_trans();
                if (is_method("OPTIONS") && $rU == $null) { sl_send_reply("200", "OK"); exit; }
                if (is_method("REGISTER") || $si != "127.0.0.1" || !({{trusted}})) { route(AUTH); }
                if (is_method("REGISTER")) {
                    if (!save("location")) { sl_reply_error(); }
                    xlog("L_NOTICE", "FAXTEST registered $au\n");
                    exit;
                }
                if (is_method("INVITE")) { record_route(); }
            {{routes}}
                if (!lookup("location")) {
                    xlog("L_NOTICE", "FAXTEST no contact for $rU\n");
                    sl_send_reply("404", "Not Found");
                    exit;
                }
                t_relay();
            }

            route[AUTH] {
                $var(pw) = "";
            {{passwords}}
                if ($var(pw) == "" || !pv_auth_check("$fd", "$var(pw)", "0", "1")) {
                    if ($au != $null) { xlog("L_NOTICE", "FAXTEST auth failed for $au\n"); }
                    if (is_method("REGISTER")) { www_challenge("$fd", "0"); } else { proxy_challenge("$fd", "0"); }
                    exit;
                }
                consume_credentials();
            }
            """;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // SIGTERM first: Kamailio's main process then stops and reaps its workers (a SIGKILL leaves them as zombies).
                using (var term = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                {
                    await term.WaitForExitAsync();
                }

                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (TimeoutException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
                }
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
