using System.Net;
using FaxPost.Core.Lines;
using FaxPost.Fax.T30;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.T38;
using Xunit.Abstractions;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Polling against spandsp (Debian's libspandsp) in both roles (we poll it, and it polls us), and between two endpoints.</summary>
public sealed class T38PollingTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38poll-").FullName;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Endpoint_polls_a_three_page_document_from_spandsp(bool ecm)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm) with { Trace = output.WriteLine });
        var received = Path.Combine(_dir, "polled.tif");
        var polled = SpandspHarness.RunAsync(["offer", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", document, "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        string? tsi = null;
        var result = await endpoint.PollAsync(received, (t, _, _) => { tsi = t; return Task.CompletedTask; });
        var tx = await polled;
        output.WriteLine(tx.Output);
        Assert.True(result.Success, result.Reason);
        Assert.False(result.Transmitted);
        Assert.Equal(3, result.Pages);
        Assert.Equal(ecm, result.Ecm);
        Assert.Equal("+1 555 0100", result.RemoteIdent);
        Assert.Equal("+1 555 0100", tsi);
        Assert.True(tx.Ok, tx.Output);
        Assert.Equal("3", tx["pages_tx"]);
        Assert.Equal("+49 30 1234567", tx["remote_ident"]); // our CIG
        T38TestSupport.AssertSamePages(document, received);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Spandsp_polls_a_three_page_document_from_the_endpoint(bool ecm)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort), ecm) with { Trace = output.WriteLine });
        var spandspReceived = Path.Combine(_dir, "spandsp-polled.tif");
        var ours = Path.Combine(_dir, "not-used.tif");
        var poller = SpandspHarness.RunAsync(["poll", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", spandspReceived, "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        var confirmed = new List<int>();
        var result = await endpoint.ReceiveOfferingAsync(ours, document, pageConfirmed: (p, _) => { confirmed.Add(p); return Task.CompletedTask; });
        var rx = await poller;
        output.WriteLine(rx.Output);
        Assert.True(result.Success, result.Reason);
        Assert.True(result.Transmitted);
        Assert.Equal(3, result.Pages);
        Assert.Equal([1, 2, 3], confirmed);
        Assert.Equal(ecm, result.Ecm);
        Assert.Equal("+1 555 0199", result.RemoteIdent); // spandsp's CIG
        Assert.False(File.Exists(ours), "nothing was received, so no file for received pages");
        Assert.True(rx.Ok, rx.Output);
        Assert.Equal("3", rx["pages_rx"]);
        Assert.Equal("+49 30 1234567", rx["remote_ident"]); // our TSI
        T38TestSupport.AssertSamePages(document, spandspReceived);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Two_endpoints_poll_each_other_over_loopback(bool ecm)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 2);
        // The polled endpoint learns its peer from the first datagram (no address given).
        using var polled = new T38Endpoint(T38TestSupport.Options(null, ecm) with { LocalIdent = "+44 20 7946 0000" });
        using var poller = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, polled.LocalEndPoint.Port), ecm) with { LocalIdent = "+49 30 1234567" });
        var received = Path.Combine(_dir, "loop-polled.tif");
        var unused = Path.Combine(_dir, "loop-unused.tif");
        var offering = polled.ReceiveOfferingAsync(unused, document);
        var got = await poller.PollAsync(received);
        var sent = await offering;
        Assert.True(got.Success, got.Reason);
        Assert.True(sent.Success, sent.Reason);
        Assert.True(sent.Transmitted);
        Assert.False(got.Transmitted);
        Assert.Equal(2, got.Pages);
        Assert.Equal(2, sent.Pages);
        Assert.Equal("+44 20 7946 0000", got.RemoteIdent);
        Assert.Equal("+49 30 1234567", sent.RemoteIdent);
        Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MR, got.Compression);
        Assert.False(File.Exists(unused));
        T38TestSupport.AssertSamePages(document, received);
    }

    [Fact]
    public async Task Polling_spandsp_with_nothing_to_poll_ends_with_nothing_to_poll()
    {
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort)));
        var received = Path.Combine(_dir, "nothing.tif");
        var answerer = SpandspHarness.RunAsync(["receive", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", Path.Combine(_dir, "spandsp.tif"), "--timeout", "40"], TimeSpan.FromSeconds(50));
        var result = await endpoint.PollAsync(received);
        var rx = await answerer;
        output.WriteLine(rx.Output);
        Assert.Equal(T38CallEnd.Protocol, result.End);
        Assert.Equal(T30Completion.NothingToPoll, result.Completion);
        Assert.Equal(CallResult.PermanentFailure, result.CallResult);
        Assert.Equal(0, result.Pages);
        Assert.Equal("+1 555 0199", result.RemoteIdent); // its CSI came before the DIS
        Assert.False(rx.Ok, rx.Output);
    }

    [Fact]
    public async Task An_endpoint_offering_a_document_still_receives_from_spandsp_that_sends()
    {
        var (offer, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var sent = SpandspHarness.MakeDocument(_dir, 2, fine: true);
        var spandspPort = SpandspHarness.FreeUdpPort();
        using var endpoint = new T38Endpoint(T38TestSupport.Options(new IPEndPoint(IPAddress.Loopback, spandspPort)));
        var received = Path.Combine(_dir, "received.tif");
        var sender = SpandspHarness.RunAsync(["send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{endpoint.LocalEndPoint.Port}", "--file", sent, "--timeout", "70"], TimeSpan.FromSeconds(80));
        var result = await endpoint.ReceiveOfferingAsync(received, offer);
        var tx = await sender;
        output.WriteLine(tx.Output);
        Assert.True(result.Success, result.Reason);
        Assert.False(result.Transmitted);
        Assert.Equal(2, result.Pages);
        Assert.True(tx.Ok, tx.Output);
        T38TestSupport.AssertSamePages(sent, received);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
