using FaxPost.Core.Lines;
using FaxPost.Fax.Tests.Interop;
using FaxPost.Telephony.Tests.T38;
using FaxPost.Telephony.Trunks;
using static FaxPost.Telephony.Tests.Lines.SipLineTestSupport;

namespace FaxPost.Telephony.Tests.Lines;

/// <summary>Two post offices' SIP lines on loopback: jobs become calls on trunks, calls become received faxes.</summary>
public sealed class SipFaxLineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-sipline-").FullName;

    private OutboundCall Job(string document, int pages, string e164 = "+4930555011", bool fallback = false, int firstPage = 0) =>
        new(1, e164, e164, document, firstPage, pages, "+49 89 1234", "+4989123400", fallback);

    [Theory]
    [InlineData(T38Policy.Offer, T38Policy.AwaitPeer, false)]
    [InlineData(T38Policy.AwaitPeer, T38Policy.Offer, true)]
    public async Task A_job_becomes_a_call_and_the_other_line_receives_it_with_its_numbers(T38Policy caller, T38Policy answerer, bool fallback)
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 3);
        var logB = new LogCapture();
        await using var b = await StartAsync(Numbering("30", "555"), logB, PeerTrunk("to-a", 1, t => t.T38 = answerer));
        var sink = new RecordingSink(_dir);
        using var stop = new CancellationTokenSource();
        var inbound = b.RunInboundAsync(sink, stop.Token);
        var logA = new LogCapture();
        await using var a = await StartAsync(Numbering("89", "1234"), logA, PeerTrunk("to-b", Port(b), t => { t.T38 = caller; t.Routes = [new TrunkRoute { Prefix = "+4930" }]; }));
        var reporter = new RecordingReporter();

        // Pages 2 and 3: page 1 went in an earlier try.
        var outcome = await a.PlaceCallAsync(Job(document, 2, fallback: fallback, firstPage: 1), reporter, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        var received = await sink.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        Assert.True(outcome.Result == CallResult.Success, outcome.Reason + "\n" + logB.All);
        Assert.Equal(2, outcome.PagesConfirmed);
        Assert.Equal("sip/to-b", outcome.Line);
        Assert.Equal(!fallback, outcome.Ecm);
        Assert.True(fallback ? outcome.BitRate <= 9600 : outcome.BitRate == 14400, $"{outcome.BitRate} bit/s");
        Assert.Equal([1, 2], reporter.Confirmed);
        Assert.Contains(reporter.Progressed, p => p.Phase == CallPhase.Dialling);

        var offered = Assert.Single(sink.Offered);
        Assert.Equal("+4930555011", offered.DialledNumber);
        Assert.Equal("+4989123400", offered.CallerNumber);
        Assert.Equal("sip/to-a", offered.Line);
        Assert.Equal(2, received.Pages);
        Assert.True(received.Outcome.Result == CallResult.Success, received.Outcome.Reason + "\n" + logB.All);
        Assert.Equal("+49 89 1234", received.SenderId);
        var expected = Path.Combine(_dir, "expected.tif");
        var (code, err) = SpandspHarness.Tool("tiffcp", [$"{document},1,2", expected], "libtiff-tools");
        Assert.True(code == 0, err);
        T38TestSupport.AssertSamePages(expected, received.Path);

        // At Debug level both lines log the T.30 exchange of their call.
        Assert.Contains(" tx TSI DCS", logA.All, StringComparison.Ordinal);
        Assert.Contains("T.38 job 1: ", logA.All, StringComparison.Ordinal);
        Assert.Contains(" tx MCF", logB.All, StringComparison.Ordinal);
        Assert.Contains("T.38 inbound ", logB.All, StringComparison.Ordinal);

        // The answering line never placed a call of its own (seed 002).
        Assert.Equal(0, b.InvitesSent);
        Assert.Equal(1, a.InvitesSent);
    }

    [Fact]
    public async Task A_trunk_that_refuses_us_is_passed_over_for_the_next_cheapest()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        var closedLog = new LogCapture();
        // "closed" takes calls only from a carrier network we are not in: our INVITE gets 403.
        await using var closed = await StartAsync(Numbering("30", "555"), closedLog, PeerTrunk("carrier", 1, t => { t.Registrar = "192.0.2.1"; t.InboundAddresses = ["192.0.2.0/24"]; }));
        var closedSink = new RecordingSink(_dir);
        await using var open = await StartAsync(Numbering("30", "555"), new LogCapture(), PeerTrunk("to-a", 1));
        var sink = new RecordingSink(_dir);
        using var stop = new CancellationTokenSource();
        var inbound = Task.WhenAll(closed.RunInboundAsync(closedSink, stop.Token), open.RunInboundAsync(sink, stop.Token));
        await using var a = await StartAsync(
            Numbering("89", "1234"),
            new LogCapture(),
            PeerTrunk("expensive", Port(open), t => t.Routes = [new TrunkRoute { Prefix = "+", Cost = 5 }]),
            PeerTrunk("cheap", Port(closed), t => t.Routes = [new TrunkRoute { Prefix = "+49", Cost = 1 }]));

        var outcome = await a.PlaceCallAsync(Job(document, 1), new RecordingReporter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(90));
        await sink.Completed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        Assert.True(outcome.Result == CallResult.Success, outcome.Reason);
        Assert.Equal("sip/expensive", outcome.Line);
        Assert.Equal(2, a.InvitesSent);
        Assert.Empty(closedSink.Offered);
        Assert.Contains(closedLog.Lines, l => l.Id.Id == 5202 && l.Text.Contains("127.0.0.1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_busy_far_end_is_busy_and_no_other_trunk_is_tried()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        await using var b = await StartAsync(Numbering("30", "555"), new LogCapture(), PeerTrunk("to-a", 1));
        var sink = new RecordingSink(_dir) { Refuse = true };
        using var stop = new CancellationTokenSource();
        var inbound = b.RunInboundAsync(sink, stop.Token);
        await using var a = await StartAsync(Numbering("89", "1234"), new LogCapture(), PeerTrunk("first", Port(b)), PeerTrunk("second", Port(b)));

        var outcome = await a.PlaceCallAsync(Job(document, 1), new RecordingReporter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        await stop.CancelAsync();
        await inbound;

        Assert.Equal(CallResult.Busy, outcome.Result);
        Assert.Contains("486", outcome.Reason, StringComparison.Ordinal);
        Assert.Equal(1, a.InvitesSent);
        Assert.Single(sink.Offered);
    }

    [Fact]
    public async Task A_full_trunk_takes_no_further_call()
    {
        var (document, _) = SpandspHarness.MakeTestDocument(_dir, 1);
        await using var b = await StartAsync(Numbering("30", "555"), new LogCapture(), PeerTrunk("to-a", 1));
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = new RecordingSink(_dir) { Hold = hold.Task, Refuse = true };
        using var stop = new CancellationTokenSource();
        var inbound = b.RunInboundAsync(sink, stop.Token);
        await using var a = await StartAsync(Numbering("89", "1234"), new LogCapture(), PeerTrunk("one-channel", Port(b), t => t.Channels = 1));

        var first = a.PlaceCallAsync(Job(document, 1), new RecordingReporter(), CancellationToken.None);
        var until = DateTime.UtcNow.AddSeconds(20);
        while (sink.Offered.IsEmpty && DateTime.UtcNow < until)
        {
            await Task.Delay(20);
        }

        var second = await a.PlaceCallAsync(Job(document, 1, "+4930555012"), new RecordingReporter(), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        hold.SetResult();
        var firstOutcome = await first.WaitAsync(TimeSpan.FromSeconds(30));
        await stop.CancelAsync();
        await inbound;

        Assert.Equal(CallResult.LineUnavailable, second.Result);
        Assert.Contains("busy", second.Reason, StringComparison.Ordinal);
        Assert.Equal(CallResult.Busy, firstOutcome.Result);
        Assert.Equal(1, a.InvitesSent);
    }

    [Fact]
    public async Task A_number_no_trunk_carries_fails_without_a_call()
    {
        await using var a = await StartAsync(Numbering("89", "1234"), new LogCapture(), PeerTrunk("de", 1, t => t.Routes = [new TrunkRoute { Prefix = "+49" }]));

        Assert.False(a.Serves("+33155512345"));
        var outcome = await a.PlaceCallAsync(Job("/nonexistent.tif", 1, "+33155512345"), new RecordingReporter(), CancellationToken.None);

        Assert.Equal(CallResult.PermanentFailure, outcome.Result);
        Assert.Equal(0, a.InvitesSent);
        var status = Assert.Single(a.TrunkStatuses());
        Assert.Equal(new FaxPost.Core.Lines.TrunkStatus("de", 2, 0, "no registration", true), status);
    }

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
