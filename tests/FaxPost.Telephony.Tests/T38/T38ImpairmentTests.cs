using System.Net;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;
using FaxPost.Fax.T38;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.T38;
using Xunit.Abstractions;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>
/// Calls with spandsp through <see cref="ImpairingRelay"/> (seeded: the same datagram numbers are hit on
/// every run), and a spandsp that hangs up mid-page. Each test runs its calls at once.
/// </summary>
public sealed class T38ImpairmentTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38imp-").FullName;

    [Fact]
    public async Task Five_percent_random_loss_with_redundancy_3_still_delivers_every_page()
    {
        var loss = new Impairment { Loss = 0.05, Seed = 38 };
        var calls = await Task.WhenAll(
            CallThroughRelayAsync(toSpandsp: true, ecm: false, loss),
            CallThroughRelayAsync(toSpandsp: true, ecm: true, loss),
            CallThroughRelayAsync(toSpandsp: false, ecm: false, loss),
            CallThroughRelayAsync(toSpandsp: false, ecm: true, loss));
        foreach (var call in calls)
        {
            Assert.True(call.Relay.Dropped > 5, $"only {call.Relay.Dropped} dropped\n{call.Log}");
            // Small packets: the 3 secondaries fill single gaps; 256-octet ECM frames leave no room for them, PPR does.
            Assert.True(call.Result.Statistics.Recovered > 0, call.Log);
        }
    }

    [Fact]
    public async Task A_page_spoiled_by_lost_packets_gets_rtn_and_is_sent_again()
    {
        // Without ECM, 60 datagrams of the first page's data lost in a row on its first transmission, far
        // beyond what 3 secondaries repair: our receiver counts the rows they took and answers RTN; the
        // sender (spandsp, then FaxPost) retrains and sends the page again.
        var lose = new PageDataBurst(from: 20, count: 60);
        var fromSpandsp = CallThroughRelayAsync(toSpandsp: false, ecm: false, new ImpairingRelay(Impairment.None, new Impairment { Tamper = lose.Apply }), "rtn-from");
        var betweenUs = FaxPostToFaxPostThroughBurstAsync();
        var call = await fromSpandsp;
        Assert.True(call.Result.Statistics.Lost >= 60 - 3, call.Log + lose.Seen);
        Assert.True(call.Trace.Count(l => l.EndsWith(" tx RTN", StringComparison.Ordinal)) == 1, call.Log + string.Join('\n', call.Trace));
        await betweenUs;
    }

    /// <summary>Our sender's side of RTN: it retrains one step slower and sends the spoiled page again.</summary>
    private async Task FaxPostToFaxPostThroughBurstAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "rtn-ours")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 3, fine: true);
        var lose = new PageDataBurst(from: 20, count: 60);
        using var relay = new ImpairingRelay(new Impairment { Tamper = lose.Apply }, Impairment.None);
        var senderTrace = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var receiverTrace = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var receiver = new T38Endpoint(T38TestSupport.Options(null, ecm: false) with { Trace = receiverTrace.Enqueue });
        using var sender = new T38Endpoint(T38TestSupport.Options(relay.EndPointForA, ecm: false) with { Trace = senderTrace.Enqueue });
        relay.Start(sender.LocalEndPoint.Port, receiver.LocalEndPoint.Port);
        var received = Path.Combine(dir, "received.tif");
        var receiving = receiver.ReceiveAsync(received);
        var sent = await sender.SendAsync(document);
        var got = await receiving;
        await relay.StopAsync();
        var log = $"sender: {sent.Reason} {sent.Statistics}\n{string.Join('\n', senderTrace)}\nreceiver: {got.Reason} {got.Statistics}\n{string.Join('\n', receiverTrace)}\n{lose.Seen}";

        Assert.True(sent.Success && got.Success, log);
        Assert.Equal(3, got.Pages);
        Assert.True(senderTrace.Count(l => l.EndsWith(" rx RTN", StringComparison.Ordinal)) == 1, log);
        Assert.True(sent.BitRate < 14400, log);
        T38TestSupport.AssertSamePages(document, received);
    }

    [Fact]
    public async Task Reordered_and_duplicated_datagrams_still_deliver_every_page()
    {
        var shuffle = new Impairment { Reorder = 0.08, Duplicate = 0.08, Seed = 7 };
        var calls = await Task.WhenAll(
            CallThroughRelayAsync(toSpandsp: true, ecm: false, shuffle),
            CallThroughRelayAsync(toSpandsp: false, ecm: true, shuffle));
        foreach (var call in calls)
        {
            Assert.True(call.Relay.AToB.Reordered + call.Relay.BToA.Reordered > 3, call.Log);
            Assert.True(call.Relay.AToB.Duplicated + call.Relay.BToA.Duplicated > 3, call.Log);
            Assert.Equal(0, call.Result.Statistics.Lost);
        }
    }

    [Fact]
    public async Task A_spandsp_that_hangs_up_mid_page_leaves_the_confirmed_pages_only()
    {
        await Task.WhenAll(ReceiveFromDroppingSpandspAsync(ecm: true), ReceiveFromDroppingSpandspAsync(ecm: false),
            SendToDroppingSpandspAsync(ecm: true), SendToDroppingSpandspAsync(ecm: false));
    }

    /// <summary>spandsp sends 4 pages and goes silent during the third: we keep pages 1–2 and say the fax is partial.</summary>
    private async Task ReceiveFromDroppingSpandspAsync(bool ecm)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, $"rx-{ecm}")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 4, fine: true);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm));
        var received = Path.Combine(dir, "received.tif");
        var spandsp = SpandspHarness.RunAsync(["send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", document, "--drop-after-pages", "2", "--timeout", "120", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromMinutes(3));
        var result = await endpoint.ReceiveAsync(received);
        var peer = await spandsp;
        var log = $"ecm={ecm}: {result.End} {result.Completion} {result.Reason} pages={result.Pages}\n{peer.Output}";
        output.WriteLine(log);

        Assert.True(peer.ExitCode == 4 && peer["pages_done"] == "2", log);
        Assert.False(result.Success, log);
        Assert.True(result.Partial, log);
        Assert.Equal(2, result.Pages);
        Assert.Equal(T38CallEnd.Protocol, result.End);
        // T.30 §5.4.3.2: T2 runs out waiting for the rest of the page or the next command.
        Assert.True(result.Completion == T30Completion.CommandTimeout, log);
        Assert.Equal(CallResult.TemporaryFailure, result.CallResult);
        var expected = Path.Combine(dir, "expected.tif");
        var (code, err) = SpandspHarness.Tool("tiffcp", [$"{document},0,1", expected], "libtiff-tools");
        Assert.True(code == 0, err);
        T38TestSupport.AssertSamePages(expected, received);
    }

    /// <summary>We send 4 pages; spandsp goes silent during the third: the result says 2 pages and why.</summary>
    private async Task SendToDroppingSpandspAsync(bool ecm)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, $"tx-{ecm}")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 4, fine: true);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm));
        var received = Path.Combine(dir, "received.tif");
        var spandsp = SpandspHarness.RunAsync(["receive", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", received, "--drop-after-pages", "2", "--timeout", "120", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromMinutes(3));
        var confirmed = new List<int>();
        var result = await endpoint.SendAsync(document, pageConfirmed: (p, _) => { confirmed.Add(p); return Task.CompletedTask; });
        var peer = await spandsp;
        var log = $"ecm={ecm}: {result.End} {result.Completion} {result.Reason} pages={result.Pages}\n{peer.Output}";
        output.WriteLine(log);

        Assert.True(peer.ExitCode == 4 && peer["pages_done"] == "2", log);
        Assert.False(result.Success, log);
        Assert.True(result.Partial, log);
        Assert.Equal(2, result.Pages);
        Assert.Equal([1, 2], confirmed);
        Assert.Equal(T38CallEnd.Protocol, result.End);
        // T.30 §5.3.2.2: the post-page command went unanswered three times.
        Assert.True(result.Completion == T30Completion.NoResponse, log);
        Assert.Equal(CallResult.TemporaryFailure, result.CallResult);
    }

    private sealed record RelayedCall(T38CallResult Result, ImpairingRelay Relay, string Log, IReadOnlyCollection<string> Trace);

    /// <summary>A 3-page call between our endpoint (side A) and spandsp (side B) through the relay; asserts it delivered every page.</summary>
    private Task<RelayedCall> CallThroughRelayAsync(bool toSpandsp, bool ecm, Impairment impairment) =>
        CallThroughRelayAsync(toSpandsp, ecm, new ImpairingRelay(impairment), $"relay-{toSpandsp}-{ecm}");

    private async Task<RelayedCall> CallThroughRelayAsync(bool toSpandsp, bool ecm, ImpairingRelay relay, string name)
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, name)).FullName;
        var document = SpandspHarness.MakeDocument(dir, 3, fine: true);
        var spandspPort = SpandspHarness.FreeUdpPort();
        // Both sides' protocol traces go into the message of a failed assertion.
        var trace = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(relay.EndPointForA, ecm) with { Redundancy = 3, Trace = trace.Enqueue });
        relay.Start(endpoint.LocalEndPoint.Port, spandspPort);
        var received = Path.Combine(dir, "received.tif");
        var spandsp = SpandspHarness.RunAsync([toSpandsp ? "receive" : "send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{relay.PortForB}", "--file", toSpandsp ? received : document, "--redundancy", "3", "--timeout", "150", "--verbose", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromMinutes(3));
        var result = toSpandsp ? await endpoint.SendAsync(document) : await endpoint.ReceiveAsync(received);
        var peer = await spandsp;
        await relay.StopAsync();
        relay.Dispose();
        var log = $"{(toSpandsp ? "to" : "from")} spandsp, ecm={ecm}: {result.End} {result.Completion} {result.Reason} pages={result.Pages} {result.Statistics}\n" +
            $"relay a→b {relay.AToB.Datagrams} ({relay.AToB.Dropped} dropped, {relay.AToB.Reordered} reordered, {relay.AToB.Duplicated} duplicated), " +
            $"b→a {relay.BToA.Datagrams} ({relay.BToA.Dropped} dropped, {relay.BToA.Reordered} reordered, {relay.BToA.Duplicated} duplicated)\n";
        // spandsp's verbose log: its T.30 lines (not one per T.38 packet), and only when the call failed.
        var spandspLines = peer.Output.Split('\n');
        var summary = string.Join('\n', spandspLines.Where(l => !l.StartsWith("FLOW ", StringComparison.Ordinal)));
        output.WriteLine(log + summary);
        log += !result.Success || !peer.Ok || result.Pages != 3
            ? $"spandsp:\n{string.Join('\n', spandspLines.Where(l => !l.StartsWith("FLOW T.38 ", StringComparison.Ordinal)))}\nFaxPost trace:\n{string.Join('\n', trace)}"
            : summary;

        Assert.True(result.Success, log);
        Assert.True(peer.Ok, log);
        Assert.Equal(3, result.Pages);
        T38TestSupport.AssertSamePages(document, received);
        return new RelayedCall(result, relay, log, trace);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Picks non-ECM page data (t4-non-ecm-data in the UDPTL primary) of the first page's first
    /// transmission, from its <c>from</c>-th packet on, <c>count</c> in a row: drops those datagrams.
    /// The first image after the V.21 DCS is the TCF, the second is the page.
    /// </summary>
    private sealed class PageDataBurst(int from, int count)
    {
        private readonly System.Text.StringBuilder _seen = new();
        private int _imagesEnded;
        private int _pagePackets;
        private int _lastEnd = -1;

        /// <summary>What the first datagrams were, for a failure message.</summary>
        public string Seen => _seen.ToString();

        public byte[]? Apply(byte[] datagram)
        {
            if (!UdptlCodec.TryDecode(datagram, out var udptl, out _) || !IfpCodec.TryDecode(udptl.Primary, 0, out var ifp, out _))
            {
                Note("?");
                return datagram;
            }

            if (ifp.IsIndicator)
            {
                Note($"{ifp.Indicator}");
                return datagram;
            }

            var image = false;
            var ends = false;
            foreach (var field in ifp.Fields)
            {
                image |= field.Type is IfpFieldType.T4NonEcmData or IfpFieldType.T4NonEcmSigEnd;
                ends |= field.Type == IfpFieldType.T4NonEcmSigEnd;
            }

            Note($"{ifp.DataType}:{(image ? "image" : "other")}{(ends ? "-end" : "")}");
            var inPage = image && _imagesEnded == 1;
            // spandsp sends the end of an image several times under one sequence number.
            if (ends && udptl.Sequence != _lastEnd)
            {
                _imagesEnded++;
                _lastEnd = udptl.Sequence;
            }

            if (!inPage || ends || ++_pagePackets <= from || _pagePackets > from + count)
            {
                return datagram;
            }

            return null;
        }

        private void Note(string what)
        {
            if (_seen.Length < 4000)
            {
                _seen.Append(what).Append(' ');
            }
        }
    }
}
