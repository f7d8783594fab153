using System.Diagnostics;
using System.Globalization;
using System.Net;
using FaxPost.Fax.T30;
using FaxPost.Telephony.T38;

namespace FaxPost.Bench.T38;

/// <summary>
/// CPU time per transmitted page, pacing off on both sides: FaxPost ↔ spandsp against spandsp ↔ spandsp
/// over the same pages. FaxPost's figure is this process's CPU time over the call (after a warm-up call);
/// spandsp's is the harness's own getrusage (cpu_us), both sender and receiver measured separately.
/// </summary>
internal static class CpuPerPage
{
    public static async Task RunAsync(int pages, int rounds)
    {
        var dir = Directory.CreateTempSubdirectory("faxpost-bench-t38-").FullName;
        try
        {
            var document = Peer.Document(dir, pages);
            Console.WriteLine($"CPU per page: {pages}-page fine A4 document (Ghostscript), pacing off, best of {rounds} rounds, {Environment.ProcessorCount} cores");
            Console.WriteLine("| mode | role | spandsp ms/page | FaxPost ms/page | FaxPost / spandsp | datagrams/page sent, spandsp / FaxPost |");
            Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- |");
            foreach (var ecm in new[] { true, false })
            {
                // Warm-up: JIT and first-use costs are not per page.
                await FaxPostSendsAsync(dir, document, ecm);
                await FaxPostReceivesAsync(dir, document, ecm);
                double spandspTx = double.MaxValue, spandspRx = double.MaxValue, ourTx = double.MaxValue, ourRx = double.MaxValue;
                for (var r = 0; r < rounds; r++)
                {
                    var (tx, rx) = await SpandspPairAsync(dir, document, ecm);
                    spandspTx = Math.Min(spandspTx, tx);
                    spandspRx = Math.Min(spandspRx, rx);
                    ourTx = Math.Min(ourTx, await FaxPostSendsAsync(dir, document, ecm));
                    ourRx = Math.Min(ourRx, await FaxPostReceivesAsync(dir, document, ecm));
                }

                var mode = ecm ? "ECM, MMR, V.17 14400" : "no ECM, MR, V.17 14400";
                var datagrams = string.Create(CultureInfo.InvariantCulture, $"{_spandspDatagrams / (double)pages:0} / {_ourDatagrams / (double)pages:0}");
                Row(mode, "sending", spandspTx / pages, ourTx / pages, datagrams);
                Row(mode, "receiving", spandspRx / pages, ourRx / pages, "");
                Row(mode, "both ends", (spandspTx + spandspRx) / pages, (ourTx + ourRx) / pages, "");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long _spandspDatagrams;
    private static long _ourDatagrams;

    private static void Row(string mode, string role, double spandsp, double ours, string datagrams) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {mode} | {role} | {spandsp:0.00} | {ours:0.00} | {ours / spandsp:0.00} | {datagrams} |"));

    private static string[] Mode(bool ecm) => ecm ? ["--no-pacing"] : ["--no-pacing", "--no-ecm"];

    /// <summary>spandsp sends to spandsp; CPU ms of the sender and of the receiver.</summary>
    private static async Task<(double Tx, double Rx)> SpandspPairAsync(string dir, string document, bool ecm)
    {
        int a = Peer.FreeUdpPort(), b = Peer.FreeUdpPort();
        var rx = Peer.RunAsync(["receive", "--local", $"{a}", "--remote", $"127.0.0.1:{b}", "--file", Path.Combine(dir, "ss.tif"), .. Mode(ecm)]);
        await Task.Delay(50);
        var tx = await Peer.RunAsync(["send", "--local", $"{b}", "--remote", $"127.0.0.1:{a}", "--file", document, .. Mode(ecm)]);
        var r = await rx;
        Check(tx, "spandsp sender");
        Check(r, "spandsp receiver");
        _spandspDatagrams = long.Parse(tx["datagrams_tx"], CultureInfo.InvariantCulture);
        return (long.Parse(tx["cpu_us"], CultureInfo.InvariantCulture) / 1000.0, long.Parse(r["cpu_us"], CultureInfo.InvariantCulture) / 1000.0);
    }

    private static async Task<double> FaxPostSendsAsync(string dir, string document, bool ecm)
    {
        var port = Peer.FreeUdpPort();
        using var endpoint = new T38Endpoint(Options(new IPEndPoint(IPAddress.Loopback, port), ecm));
        var peer = Peer.RunAsync(["receive", "--local", $"{port}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", Path.Combine(dir, "fs.tif"), .. Mode(ecm)]);
        await Task.Delay(50);
        var before = Cpu();
        var result = await endpoint.SendAsync(document);
        var cpu = Cpu() - before;
        Check(await peer, "spandsp receiver");
        _ourDatagrams = result.Statistics.DatagramsSent;
        return result.Success ? cpu : throw new InvalidOperationException($"FaxPost send failed: {result.Reason}");
    }

    private static async Task<double> FaxPostReceivesAsync(string dir, string document, bool ecm)
    {
        var port = Peer.FreeUdpPort();
        using var endpoint = new T38Endpoint(Options(new IPEndPoint(IPAddress.Loopback, port), ecm));
        var before = Cpu();
        var receiving = endpoint.ReceiveAsync(Path.Combine(dir, "fr.tif"));
        var peer = Peer.RunAsync(["send", "--local", $"{port}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", document, .. Mode(ecm)]);
        var result = await receiving;
        var cpu = Cpu() - before;
        Check(await peer, "spandsp sender");
        return result.Success ? cpu : throw new InvalidOperationException($"FaxPost receive failed: {result.Reason}");
    }

    private static T38EndpointOptions Options(IPEndPoint peer, bool ecm) => new()
    {
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        Peer = peer,
        Pacing = false,
        Capabilities = new T30Capabilities { Ecm = ecm, T6 = ecm },
        LocalIdent = "+49 30 1234567",
    };

    private static double Cpu()
    {
        using var me = Process.GetCurrentProcess();
        return me.TotalProcessorTime.TotalMilliseconds;
    }

    private static void Check(Dictionary<string, string> phaseE, string who)
    {
        if (phaseE.GetValueOrDefault("ok") != "1")
        {
            throw new InvalidOperationException($"{who} failed: {string.Join(' ', phaseE.Select(kv => $"{kv.Key}={kv.Value}"))}");
        }
    }
}
