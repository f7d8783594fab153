using System.Diagnostics;
using System.Text.RegularExpressions;
using FaxPost.Core.Lines;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.Lines;
using FaxPost.Telephony.Sip.Stack;
using FaxPost.Telephony.Tests.Lines;
using FaxPost.Telephony.Tests.T38;
using FaxPost.Telephony.Trunks;
using static FaxPost.Telephony.Tests.Lines.SipLineTestSupport;

namespace FaxPost.Telephony.Tests.Kamailio;

/// <summary>
/// FaxPost ↔ Kamailio ↔ spandsp over SIP and T.38: the far end is spandsp's T.38 terminal behind a
/// small SIP side of our own in C (tests/interop/sip_t38_peer.c), which shares nothing with
/// FaxPost's SIP stack. FaxPost registers with Kamailio; it calls spandsp (re-INVITE to T.38, spandsp
/// receives the pages), and spandsp calls it (a gateway Kamailio trusts by address; FaxPost answers,
/// re-INVITEs to T.38 and receives the pages into its post office's sink).
/// </summary>
public sealed partial class KamailioSpandspTests : IDisposable
{
    private const string NumberA = "4989123400";
    private const string PeerNumber = "4930555099";
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-kamailio-spandsp-").FullName;

    private static readonly Lazy<string> Peer = new(() =>
    {
        var source = Path.Combine(SpandspHarness.RepoRoot, "tests", "interop", "sip_t38_peer.c");
        var output = Path.Combine(SpandspHarness.RepoRoot, "tests", "interop", "build", "sip_t38_peer");
        Directory.CreateDirectory(Path.GetDirectoryName(output)!);
        if (!File.Exists(output) || File.GetLastWriteTimeUtc(source) > File.GetLastWriteTimeUtc(output))
        {
            var (code, err) = SpandspHarness.Tool("gcc", ["-O2", "-Wall", "-Wextra", "-Werror", "-o", output, source], "gcc");
            Assert.True(code == 0, "building tests/interop/sip_t38_peer.c failed: " + err);
        }

        return output;
    });

    [Fact]
    public async Task A_fax_goes_from_FaxPost_through_Kamailio_to_spandsp()
    {
        var peerPort = SpandspHarness.FreeUdpPort();
        await using var k = await KamailioFixture.StartAsync(new Dictionary<string, string> { [NumberA] = "alpha-secret" }, new Dictionary<string, int> { [PeerNumber] = peerPort });
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        var received = Path.Combine(_dir, "spandsp.tif");
        var psi = new ProcessStartInfo(Peer.Value) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--sip", peerPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--harness", SpandspHarness.Path, "--file", received, "--timeout", "120" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var peer = Process.Start(psi)!;
        var peerOut = peer.StandardOutput.ReadToEndAsync();
        var peerErr = peer.StandardError.ReadToEndAsync();
        var log = new LogCapture();
        await using var a = await StartRegisteredAsync(k, log);

        var outcome = await a.PlaceCallAsync(new OutboundCall(5, "+" + PeerNumber, "", document, 0, 2, "+49 89 1234", "+" + NumberA, false), new RecordingReporter(), CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(120));
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await peer.WaitForExitAsync(wait.Token);
        }

        var output = await peerOut + await peerErr;
        Assert.True(outcome.Result == CallResult.Success, $"{outcome.Reason}\n{output}\n{log.All}\n{string.Join('\n', k.Marked)}");
        Assert.Equal(2, outcome.PagesConfirmed);
        Assert.Equal("+49 30 555099", outcome.RemoteId);
        Assert.True(peer.ExitCode == 0, output);
        var phaseE = PhaseE().Match(output);
        Assert.True(phaseE.Success, output);
        Assert.Equal("1", phaseE.Groups["ok"].Value);
        Assert.Equal("2", phaseE.Groups["pages"].Value);
        T38TestSupport.AssertSamePages(document, received);
        Assert.True(await k.WaitForAsync("rx INVITE", 3) >= 3, string.Join('\n', k.Marked));
    }

    [Fact]
    public async Task A_fax_comes_from_spandsp_through_Kamailio_to_FaxPost()
    {
        var peerPort = SpandspHarness.FreeUdpPort();
        await using var k = await KamailioFixture.StartAsync(new Dictionary<string, string> { [NumberA] = "alpha-secret" }, new Dictionary<string, int> { [PeerNumber] = peerPort });
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var log = new LogCapture();
        await using var a = await StartRegisteredAsync(k, log);
        var sink = new RecordingSink(_dir);
        using var stop = new CancellationTokenSource();
        var inbound = a.RunInboundAsync(sink, stop.Token);

        var psi = new ProcessStartInfo(Peer.Value) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "--sip", $"{peerPort}", "--harness", SpandspHarness.Path, "--file", document, "--call", NumberA, "--proxy", $"{k.Port}", "--from", PeerNumber, "--timeout", "120" })
        {
            psi.ArgumentList.Add(arg);
        }

        using var peer = Process.Start(psi)!;
        var peerOut = peer.StandardOutput.ReadToEndAsync();
        var peerErr = peer.StandardError.ReadToEndAsync();
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(150)))
        {
            await peer.WaitForExitAsync(wait.Token);
        }

        var output = await peerOut + await peerErr;
        var received = await sink.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        var offered = Assert.Single(sink.Offered);
        Assert.Equal("+" + NumberA, offered.DialledNumber);
        Assert.Equal("+" + PeerNumber, offered.CallerNumber);
        Assert.True(received.Outcome.Result == CallResult.Success, $"{received.Outcome.Reason}\n{output}\n{log.All}\n{string.Join('\n', k.Marked)}");
        Assert.Equal(3, received.Pages);
        Assert.Equal("+49 30 555099", received.SenderId);
        Assert.True(peer.ExitCode == 0, output);
        var phaseE = PhaseESent().Match(output);
        Assert.True(phaseE.Success && phaseE.Groups["ok"].Value == "1" && phaseE.Groups["pages"].Value == "3", output);
        T38TestSupport.AssertSamePages(document, received.Path);
        // The INVITE came from the gateway without a challenge; FaxPost's re-INVITE and the BYE went through Kamailio too.
        Assert.True(await k.WaitForAsync("rx INVITE", 2) >= 2, string.Join('\n', k.Marked));
    }

    /// <summary>FaxPost's line, registered with Kamailio as <see cref="NumberA"/>; it re-INVITEs to T.38.</summary>
    private static async Task<SipFaxLine> StartRegisteredAsync(KamailioFixture k, LogCapture log)
    {
        var line = await StartAsync(Numbering("89", "1234"), log, new SipTrunkOptions
        {
            Name = "kamailio",
            Registrar = $"127.0.0.1:{k.Port}",
            Username = NumberA,
            Password = "alpha-secret",
            RegisterExpires = 300,
            T38 = T38Policy.Offer,
            NumberFormat = TrunkNumberFormat.E164WithoutPlus,
        });
        var until = DateTime.UtcNow.AddSeconds(20);
        while (line.RegistrationState("kamailio") != SipRegistrationState.Registered)
        {
            Assert.True(DateTime.UtcNow < until, $"not registered: {line.RegistrationState("kamailio")}");
            await Task.Delay(50);
        }

        return line;
    }

    [GeneratedRegex(@"PHASE_E ok=(?<ok>\d+) .*pages_tx=(?<pages>\d+)")]
    private static partial Regex PhaseESent();

    [GeneratedRegex(@"PHASE_E ok=(?<ok>\d+) .*pages_rx=(?<pages>\d+)")]
    private static partial Regex PhaseE();

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
