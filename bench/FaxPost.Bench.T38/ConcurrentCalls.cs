using System.Diagnostics;
using System.Globalization;
using System.Net;
using FaxPost.Fax.T30;
using FaxPost.Telephony.T38;

namespace FaxPost.Bench.T38;

/// <summary>
/// N simultaneous paced T.38 calls in this one process: N FaxPost senders faxing N FaxPost receivers on
/// loopback (2N endpoints, 2N sockets), image data paced at the modem rate as on a real line. A load is
/// sustained "within T.30 timing" when every call succeeds and every endpoint sent exactly as many
/// datagrams as in a call alone: a response later than T4 (3 s) makes the sender repeat its command
/// (T.30 §5.3.2.2), a late or garbled ECM frame brings a PPR and a resend, and either adds datagrams.
/// </summary>
internal static class ConcurrentCalls
{
    public static async Task RunAsync(int[] counts, int pages)
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 16), io);
        var dir = Directory.CreateTempSubdirectory("faxpost-bench-t38c-").FullName;
        try
        {
            var document = Peer.Document(dir, pages);
            var solo = await RunBatchAsync(dir, document, 1, null);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Concurrent calls: {pages}-page fine document, ECM MMR V.17 14400, pacing on; one call alone takes {solo.Max:0.0} s ({solo.Datagrams} datagrams sent + received); {Environment.ProcessorCount} cores"));
            Console.WriteLine("| calls | succeeded | calls with extra datagrams (repeats) | within T.30 timing | call time min / median / max | CPU time | CPU load (of all cores) | wall |");
            Console.WriteLine("| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |");
            foreach (var n in counts)
            {
                var batch = await RunBatchAsync(dir, document, n, solo.Datagrams);
                var ok = batch.Succeeded == n && batch.Repeating == 0;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {n} | {batch.Succeeded} | {batch.Repeating} | {(ok ? "yes" : "NO")} | {batch.Min:0.0} / {batch.Median:0.0} / {batch.Max:0.0} s | {batch.Cpu:0.0} s | {batch.Cpu / batch.Wall / Environment.ProcessorCount * 100:0} % | {batch.Wall:0.0} s |"));
                if (batch.Failures.Count > 0)
                {
                    Console.WriteLine("  first failures: " + string.Join("; ", batch.Failures.Take(3)));
                }
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private sealed record Batch(int Succeeded, int Repeating, long Datagrams, double Min, double Median, double Max, double Cpu, double Wall, List<string> Failures);

    private static async Task<Batch> RunBatchAsync(string dir, string document, int n, long? soloDatagrams)
    {
        var receivers = new T38Endpoint[n];
        var senders = new T38Endpoint[n];
        for (var i = 0; i < n; i++)
        {
            receivers[i] = new T38Endpoint(Options(null));
            senders[i] = new T38Endpoint(Options(new IPEndPoint(IPAddress.Loopback, receivers[i].LocalEndPoint.Port)));
        }

        using var me = Process.GetCurrentProcess();
        var cpuBefore = me.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, n).Select(async i =>
        {
            var receiving = receivers[i].ReceiveAsync(Path.Combine(dir, $"rx{i}.tif"));
            var sent = await senders[i].SendAsync(document);
            var got = await receiving;
            return (sent, got);
        }).ToArray();
        var results = await Task.WhenAll(calls);
        wall.Stop();
        me.Refresh();
        var cpu = (me.TotalProcessorTime - cpuBefore).TotalSeconds;
        foreach (var e in receivers.Concat(senders))
        {
            e.Dispose();
        }

        var durations = results.Select(r => Math.Max(r.sent.Duration.TotalSeconds, r.got.Duration.TotalSeconds)).Order().ToArray();
        var failures = results.Where(r => !r.sent.Success || !r.got.Success).Select(r => $"sent: {r.sent.Reason}, received: {r.got.Reason}").ToList();
        var datagrams = results.Select(r => r.sent.Statistics.DatagramsSent + r.got.Statistics.DatagramsSent).ToArray();
        var repeating = soloDatagrams is { } d ? datagrams.Count(x => x != d) : 0;
        return new Batch(n - failures.Count, repeating, datagrams.Max(), durations[0], durations[durations.Length / 2], durations[^1], cpu, wall.Elapsed.TotalSeconds, failures);
    }

    private static T38EndpointOptions Options(IPEndPoint? peer) => new()
    {
        LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
        Peer = peer,
        Pacing = true,
        Capabilities = new T30Capabilities(),
        LocalIdent = "+49 30 1234567",
        AnswerTimeout = TimeSpan.FromSeconds(60),
        CallTimeout = TimeSpan.FromMinutes(5),
    };
}
