namespace FaxPost.Fax.Tests.Interop;

/// <summary>Proves the harness: two spandsp T.38 terminals fax a page to each other over loopback UDPTL.</summary>
public sealed class SpandspHarnessTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38-").FullName;

    [Fact]
    public async Task Two_harnesses_fax_a_page_to_each_other()
    {
        var page = SpandspHarness.MakeTestPage(_dir);
        var received = Path.Combine(_dir, "received.tif");
        int sendPort = SpandspHarness.FreeUdpPort(), receivePort = SpandspHarness.FreeUdpPort();
        var timeout = TimeSpan.FromSeconds(90);
        // Non-ECM, V.29 only, T.38 version 3: a different path from the capture test.
        var rx = SpandspHarness.RunAsync(["receive", "--local", $"{receivePort}", "--remote", $"127.0.0.1:{sendPort}", "--file", received, "--no-ecm", "--version", "3", "--ident", "+44 20 7946 0000", "--timeout", "80"], timeout);
        var tx = SpandspHarness.RunAsync(["send", "--local", $"{sendPort}", "--remote", $"127.0.0.1:{receivePort}", "--file", page, "--no-ecm", "--version", "3", "--modems", "2", "--ident", "+1 555 0100", "--timeout", "80"], timeout);
        var sender = await tx;
        var receiver = await rx;

        Assert.True(sender.Ok, sender.Output);
        Assert.True(receiver.Ok, receiver.Output);
        Assert.Equal("1", sender["pages_tx"]);
        Assert.Equal("1", receiver["pages_rx"]);
        Assert.Equal("9600", sender["bit_rate"]);
        Assert.Equal("0", receiver["ecm"]);
        Assert.Equal("+44 20 7946 0000", sender["remote_ident"]);
        Assert.Equal("+1 555 0100", receiver["remote_ident"]);
        Assert.True(new FileInfo(received).Length > 1000);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
