using System.Net;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;
using FaxPost.Telephony.T38;
using Xunit.Abstractions;

using FaxPost.Fax.Tests.Interop;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Our endpoint sends to spandsp (Debian's libspandsp as the far-end fax machine).</summary>
public sealed class T38SendToSpandspTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38tx-").FullName;

    [Theory]
    [InlineData(true, 0, 1, true)]
    [InlineData(false, 2, 3, false)]
    public async Task Endpoint_faxes_a_tiff_to_spandsp(bool ecm, int version, int pageCount, bool paced)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, pageCount);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm, version) with { SubAddress = "99", Pacing = paced });
        var received = Path.Combine(_dir, "received.tif");
        var answerer = SpandspHarness.RunAsync(["receive", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", received, "--version", $"{version}", "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        var confirmed = new List<int>();
        var result = await endpoint.SendAsync(document, pageConfirmed: (p, _) => { confirmed.Add(p); return Task.CompletedTask; });
        var rx = await answerer;
        output.WriteLine(rx.Output);
        Assert.True(result.Success, result.Reason);
        Assert.Equal(CallResult.Success, result.CallResult);
        Assert.Equal(pageCount, result.Pages);
        Assert.Equal(Enumerable.Range(1, pageCount), confirmed);
        Assert.Equal(ecm, result.Ecm);
        Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MR, result.Compression);
        Assert.Equal(14400, result.BitRate);
        Assert.Equal(T30Resolution.Fine, result.Resolution);
        Assert.Equal("+1 555 0199", result.RemoteIdent);
        Assert.True(rx.Ok, rx.Output);
        Assert.Equal($"{pageCount}", rx["pages_rx"]);
        Assert.Equal("+49 30 1234567", rx["remote_ident"]);
        Assert.Equal("99", rx["remote_sub"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

/// <summary>spandsp sends to our endpoint, which writes a TIFF-F page by page.</summary>
public sealed class T38ReceiveFromSpandspTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38rx-").FullName;

    [Theory]
    [InlineData(true, 0, 3)]
    [InlineData(false, 3, 1)]
    public async Task Spandsp_faxes_to_the_endpoint(bool ecm, int version, int pageCount)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, pageCount);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm: true, version));
        var received = Path.Combine(_dir, "received.tif");
        var sender = SpandspHarness.RunAsync(["send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", document, "--version", $"{version}", "--sub", "4711", "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        string? tsi = null, sub = null;
        var result = await endpoint.ReceiveAsync(received, (t, s, _) => { (tsi, sub) = (t, s); return Task.CompletedTask; });
        var tx = await sender;
        output.WriteLine(tx.Output);
        Assert.True(result.Success, result.Reason);
        Assert.Equal(pageCount, result.Pages);
        Assert.Equal(ecm, result.Ecm);
        Assert.Equal("+1 555 0100", result.RemoteIdent);
        Assert.Equal("+1 555 0100", tsi);
        Assert.Equal("4711", sub);
        Assert.Equal(0, result.Statistics.IfpErrors);
        Assert.True(tx.Ok, tx.Output);
        Assert.Equal("+49 30 1234567", tx["remote_ident"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", document, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
        T38TestSupport.AssertSamePages(document, received);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
