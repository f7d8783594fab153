using System.Diagnostics;
using System.Text;
using FaxPost.Fax.Tests.Interop;

namespace FaxPost.EndToEnd.Tests;

/// <summary>
/// <c>faxpost t38 send</c>, <c>receive</c> (also offering a document) and <c>poll</c> as processes, as an operator checking a link
/// runs them, against Debian's libspandsp (tests/interop/spandsp_t38). Each test's calls run at once.
/// </summary>
public sealed class T38CommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Send_receive_and_a_dropped_call_print_their_result_and_exit_codes()
    {
        await Task.WhenAll(SendAsync(), ReceiveAsync(), SendToPeerThatHangsUpAsync());
    }

    /// <summary>3 pages to spandsp, V.29 forced on our side, ECM: exit 0, the statistics printed, the pages identical.</summary>
    private async Task SendAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "send")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 3, fine: true);
        var port = SpandspHarness.FreeUdpPort();
        var local = SpandspHarness.FreeUdpPort();
        var received = Path.Combine(dir, "received.tif");
        var spandsp = SpandspHarness.RunAsync(["receive", "--local", $"{port}", "--remote", $"127.0.0.1:{local}", "--file", received, "--timeout", "90"], TimeSpan.FromMinutes(2));
        using var faxpost = Faxpost.Start("t38", "send", "--peer", $"127.0.0.1:{port}", "--local", $"{local}", "--modems", "v29", "--no-pacing", "--ident", "+49 30 555", "--trace", document);
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(2));
        var peer = await spandsp;
        var log = $"{output}\n{peer.Output}";

        Assert.True(exit == 0, log);
        Assert.True(output.Contains("T.30 result: OK (Success)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("pages:       3\n", StringComparison.Ordinal), log);
        Assert.True(output.Contains("rate:        V29 9600 bit/s", StringComparison.Ordinal), log);
        Assert.True(output.Contains("ECM:         yes", StringComparison.Ordinal), log);
        Assert.True(output.Contains("compression: MMR", StringComparison.Ordinal), log);
        Assert.True(output.Contains("resolution:  Fine", StringComparison.Ordinal), log);
        Assert.True(output.Contains("remote ID:   \"+1 555 0199\"", StringComparison.Ordinal), log);
        Assert.Matches(@"datagrams:   \d+ sent, \d+ received \(0 malformed, 0 bad IFP", output);
        // --trace: the T.30 exchange on standard error, with the call's time.
        Assert.Matches(@"\d+\.\d{3} tx TSI DCS", output);
        Assert.Matches(@"\d+\.\d{3} rx MCF", output);
        for (var p = 1; p <= 3; p++)
        {
            Assert.True(output.Contains($"page {p} confirmed", StringComparison.Ordinal), log);
        }

        Assert.True(peer.Ok, log);
        Assert.Equal("3", peer["pages_rx"]);
        Assert.Equal("9600", peer["bit_rate"]);
        Assert.Equal("+49 30 555", peer["remote_ident"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    /// <summary>spandsp calls our listening port without ECM at standard resolution: exit 0, MR, the file written.</summary>
    private async Task ReceiveAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "receive")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 2, fine: false);
        var listen = SpandspHarness.FreeUdpPort();
        var port = SpandspHarness.FreeUdpPort();
        var received = Path.Combine(dir, "received.tif");
        using var faxpost = Faxpost.Start("t38", "receive", "--listen", $"{listen}", "--out", received, "--no-ecm", "--wait", "60", "--ident", "+49 30 777");
        await faxpost.WaitForAsync("listening on UDP", TimeSpan.FromSeconds(30));
        var peer = await SpandspHarness.RunAsync(["send", "--local", $"{port}", "--remote", $"127.0.0.1:{listen}", "--file", document, "--sub", "12", "--timeout", "90"], TimeSpan.FromMinutes(2));
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(1));
        var log = $"{output}\n{peer.Output}";

        Assert.True(exit == 0, log);
        Assert.True(output.Contains("call from \"+1 555 0100\" for sub-address 12", StringComparison.Ordinal), log);
        Assert.True(output.Contains("T.30 result: OK (Success)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("pages:       2\n", StringComparison.Ordinal), log);
        Assert.True(output.Contains("rate:        V17 14400 bit/s", StringComparison.Ordinal), log);
        Assert.True(output.Contains("ECM:         no", StringComparison.Ordinal), log);
        Assert.True(output.Contains("compression: MR", StringComparison.Ordinal), log);
        Assert.True(output.Contains("resolution:  Standard", StringComparison.Ordinal), log);
        Assert.True(peer.Ok, log);
        Assert.Equal("+49 30 777", peer["remote_ident"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    /// <summary>spandsp goes silent during page 2: exit 1, one page, said to be partial, and why.</summary>
    private async Task SendToPeerThatHangsUpAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "dropped")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 3, fine: true);
        var port = SpandspHarness.FreeUdpPort();
        var local = SpandspHarness.FreeUdpPort();
        var spandsp = SpandspHarness.RunAsync(["receive", "--local", $"{port}", "--remote", $"127.0.0.1:{local}", "--file", Path.Combine(dir, "received.tif"), "--drop-after-pages", "1", "--timeout", "90"], TimeSpan.FromMinutes(2));
        using var faxpost = Faxpost.Start("t38", "send", "--peer", $"127.0.0.1:{port}", "--local", $"{local}", "--no-pacing", document);
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(2));
        var peer = await spandsp;
        var log = $"{output}\n{peer.Output}";

        Assert.True(exit == 1, log);
        Assert.Equal(4, peer.ExitCode);
        Assert.True(output.Contains("T.30 result: NoResponse", StringComparison.Ordinal), log);
        Assert.True(output.Contains("(TemporaryFailure)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("pages:       1 (partial: the call ended before the last page)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("page 1 confirmed", StringComparison.Ordinal), log);
        Assert.False(output.Contains("page 2 confirmed", StringComparison.Ordinal), log);
    }

    [Fact]
    public async Task Poll_and_receive_offering_a_document_print_their_result()
    {
        await Task.WhenAll(PollAsync(), OfferAsync());
    }

    /// <summary>We poll spandsp, which offers 3 pages, ECM: exit 0, the statistics printed, the pages identical.</summary>
    private async Task PollAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "poll")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 3, fine: true);
        var port = SpandspHarness.FreeUdpPort();
        var local = SpandspHarness.FreeUdpPort();
        var received = Path.Combine(dir, "polled.tif");
        var spandsp = SpandspHarness.RunAsync(["offer", "--local", $"{port}", "--remote", $"127.0.0.1:{local}", "--file", document, "--timeout", "90"], TimeSpan.FromMinutes(2));
        using var faxpost = Faxpost.Start("t38", "poll", "--peer", $"127.0.0.1:{port}", "--local", $"{local}", "--out", received, "--no-pacing", "--ident", "+49 30 555");
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(2));
        var peer = await spandsp;
        var log = $"{output}\n{peer.Output}";

        Assert.True(exit == 0, log);
        Assert.True(output.Contains($"polling 127.0.0.1:{port}", StringComparison.Ordinal), log);
        Assert.True(output.Contains("document from \"+1 555 0100\"", StringComparison.Ordinal), log);
        Assert.True(output.Contains("T.30 result: OK (Success)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("pages:       3\n", StringComparison.Ordinal), log);
        Assert.True(output.Contains("ECM:         yes", StringComparison.Ordinal), log);
        Assert.True(output.Contains("remote ID:   \"+1 555 0100\"", StringComparison.Ordinal), log);
        Assert.Matches(@"datagrams:   \d+ sent, \d+ received \(0 malformed, 0 bad IFP", output);
        Assert.True(peer.Ok, log);
        Assert.Equal("3", peer["pages_tx"]);
        Assert.Equal("+49 30 555", peer["remote_ident"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    /// <summary>spandsp polls our listening port, which offers 2 pages, without ECM: exit 0, "polled: sent", the pages identical.</summary>
    private async Task OfferAsync()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir, "offer")).FullName;
        var document = SpandspHarness.MakeDocument(dir, 2, fine: false);
        var listen = SpandspHarness.FreeUdpPort();
        var port = SpandspHarness.FreeUdpPort();
        var polled = Path.Combine(dir, "spandsp-polled.tif");
        using var faxpost = Faxpost.Start("t38", "receive", "--listen", $"{listen}", "--out", Path.Combine(dir, "unused.tif"), "--offer", document, "--no-ecm", "--wait", "60", "--ident", "+49 30 777");
        await faxpost.WaitForAsync("listening on UDP", TimeSpan.FromSeconds(30));
        var peer = await SpandspHarness.RunAsync(["poll", "--local", $"{port}", "--remote", $"127.0.0.1:{listen}", "--file", polled, "--timeout", "90"], TimeSpan.FromMinutes(2));
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(1));
        var log = $"{output}\n{peer.Output}";

        Assert.True(exit == 0, log);
        Assert.True(output.Contains($"offering {document} to be polled", StringComparison.Ordinal), log);
        Assert.True(output.Contains("T.30 result: OK (Success)", StringComparison.Ordinal), log);
        Assert.True(output.Contains("direction:   polled: sent", StringComparison.Ordinal), log);
        Assert.True(output.Contains("pages:       2\n", StringComparison.Ordinal), log);
        Assert.True(output.Contains("page 1 confirmed", StringComparison.Ordinal) && output.Contains("page 2 confirmed", StringComparison.Ordinal), log);
        Assert.True(output.Contains("ECM:         no", StringComparison.Ordinal), log);
        Assert.True(output.Contains("resolution:  Standard", StringComparison.Ordinal), log);
        Assert.True(peer.Ok, log);
        Assert.Equal("2", peer["pages_rx"]);
        Assert.Equal("+49 30 777", peer["remote_ident"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, polled], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    [Fact]
    public async Task Bad_options_exit_2_with_a_message()
    {
        using var faxpost = Faxpost.Start("t38", "send", "--peer", "127.0.0.1:9", "--modems", "v99", Path.Combine(_dir, "none.tif"));
        var (exit, output) = await faxpost.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.True(exit == 2, output);
        Assert.True(output.Contains("--modems is v27, v29 or v17", StringComparison.Ordinal), output);
    }

    /// <summary>faxpost as a child process, its output collected line by line.</summary>
    private sealed class Faxpost : IDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

        private Faxpost(Process process) => _process = process;

        public static Faxpost Start(params string[] args)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(ServerProcess.Sibling("FaxPost.Cli", "faxpost.dll"));
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            var faxpost = new Faxpost(new Process { StartInfo = info });
            faxpost._process.OutputDataReceived += (_, e) => faxpost.Line(e.Data);
            faxpost._process.ErrorDataReceived += (_, e) => faxpost.Line(e.Data);
            faxpost._process.Start();
            faxpost._process.BeginOutputReadLine();
            faxpost._process.BeginErrorReadLine();
            return faxpost;
        }

        public Task WaitForAsync(string text, TimeSpan timeout)
        {
            lock (_output)
            {
                if (_output.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return Task.CompletedTask;
                }

                var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waits.Add((text, seen));
                return seen.Task.WaitAsync(timeout);
            }
        }

        public async Task<(int Exit, string Output)> WaitAsync(TimeSpan timeout)
        {
            using var cts = new CancellationTokenSource(timeout);
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill();
                await _process.WaitForExitAsync();
            }

            // WaitForExit without a timeout also waits for the redirected output to end.
            _process.WaitForExit();
            lock (_output)
            {
                return (_process.ExitCode, _output.ToString());
            }
        }

        private void Line(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.Append(line).Append('\n');
                foreach (var (text, seen) in _waits)
                {
                    if (line.Contains(text, StringComparison.Ordinal))
                    {
                        seen.TrySetResult();
                    }
                }
            }
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }

            _process.Dispose();
        }
    }
}
