using System.Net;
using FaxPost.Core.Lines;
using FaxPost.Telephony.T38;

using FaxPost.Fax.Tests.Interop;

namespace FaxPost.Telephony.Tests.T38;

/// <summary>Two <see cref="T38FaxLine"/>s over loopback: one places the post office's call, the other takes it.</summary>
public sealed class T38FaxLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38line-").FullName;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_call_from_one_line_is_received_by_the_other(bool fallback)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var inboundPort = SpandspHarness.FreeUdpPort();
        var endpoint = T38TestSupport.Options(null);
        var answering = new T38FaxLine(new T38FaxLineOptions { Name = "in", Inbound = new IPEndPoint(IPAddress.Loopback, inboundPort), Endpoint = endpoint with { LocalIdent = "+44 20 1" } });
        var calling = new T38FaxLine(new T38FaxLineOptions { Name = "out", Peer = new IPEndPoint(IPAddress.Loopback, inboundPort), Prefixes = ["+44"], Endpoint = endpoint with { LocalEndPoint = new IPEndPoint(IPAddress.Loopback, 0) } });
        var sink = new Sink(Path.Combine(_dir, "in.tif"));
        using var stop = new CancellationTokenSource();
        var inbound = answering.RunInboundAsync(sink, stop.Token);
        var reporter = new Reporter();

        // Pages 2 and 3 only: page 1 went in an earlier try.
        var outcome = await calling.PlaceCallAsync(new OutboundCall(7, "+44201", "+44201", document, 1, 2, "+49 30 5", null, fallback), reporter, CancellationToken.None);
        var received = await sink.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        Assert.True(calling.Serves("+4420123"));
        Assert.False(calling.Serves("+4930123"));
        Assert.Equal(CallResult.Success, outcome.Result);
        Assert.Equal(2, outcome.PagesConfirmed);
        Assert.Equal("out", outcome.Line);
        Assert.Equal("+44 20 1", outcome.RemoteId);
        Assert.Equal(!fallback, outcome.Ecm);
        Assert.Equal(fallback ? 9600 : 14400, outcome.BitRate);
        Assert.Equal([1, 2], reporter.Confirmed);
        Assert.Equal("+49 30 5", sink.SenderId);
        Assert.Equal(2, received.Pages);
        Assert.Equal(1, sink.Offers);
        Assert.Equal(CallResult.Success, received.Outcome.Result);

        // What arrived is pages 2 and 3 of the document.
        var expected = Path.Combine(_dir, "expected.tif");
        var (code, err) = SpandspHarness.Tool("tiffcp", [$"{document},1,2", expected], "libtiff-tools");
        Assert.True(code == 0, err);
        T38TestSupport.AssertSamePages(expected, sink.DocumentPath);
    }

    [Fact]
    public async Task A_refused_call_fails_for_the_caller_and_reaches_no_document()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var inboundPort = SpandspHarness.FreeUdpPort();
        var answering = new T38FaxLine(new T38FaxLineOptions { Inbound = new IPEndPoint(IPAddress.Loopback, inboundPort), Endpoint = T38TestSupport.Options(null) });
        var calling = new T38FaxLine(new T38FaxLineOptions { Peer = new IPEndPoint(IPAddress.Loopback, inboundPort), Endpoint = T38TestSupport.Options(null) with { T1 = TimeSpan.FromSeconds(3) } });
        var sink = new Sink(null);
        using var stop = new CancellationTokenSource();
        var inbound = answering.RunInboundAsync(sink, stop.Token);
        var outcome = await calling.PlaceCallAsync(new OutboundCall(8, "+1", "+1", document, 0, 1, null, null, false), new Reporter(), CancellationToken.None);
        await stop.CancelAsync();
        await inbound;
        Assert.NotEqual(CallResult.Success, outcome.Result);
        Assert.Equal(0, outcome.PagesConfirmed);
        Assert.True(sink.Offers >= 1);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Reporter : ICallReporter
    {
        public List<int> Confirmed { get; } = [];

        public void Progress(CallProgress progress)
        {
        }

        public Task PageConfirmedAsync(int page, CancellationToken ct)
        {
            Confirmed.Add(page);
            return Task.CompletedTask;
        }
    }

    private sealed class Sink(string? path) : IInboundCallSink
    {
        public int Offers { get; private set; }

        public string? SenderId { get; private set; }

        public string DocumentPath => path!;

        public TaskCompletionSource<(int Pages, CallOutcome Outcome)> Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<InboundReception?> OfferAsync(IncomingCall call, CancellationToken ct)
        {
            Offers++;
            // Only the first call is the test's; anything after it would get a file of its own.
            return Task.FromResult<InboundReception?>(path is null ? null : Offers == 1 ? new Reception(this, path) : new Reception(new Sink(path + Offers), path + Offers));
        }

        private sealed class Reception(Sink sink, string path) : InboundReception
        {
            public override string DocumentPath => path;

            public override Task IdentifiedAsync(string? senderId, string? subAddress, CancellationToken ct)
            {
                sink.SenderId = senderId;
                return Task.CompletedTask;
            }

            public override Task CompleteAsync(int pages, CallOutcome outcome, CancellationToken ct)
            {
                sink.Completed.TrySetResult((pages, outcome));
                return Task.CompletedTask;
            }
        }
    }
}
