using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

/// <summary>Polling (T.30 Figure 5-2): the caller that receives after DTC and the answerer that sends on DTC.</summary>
public sealed class T30SessionPollTests
{
    private static readonly byte[][] Pages = [[0x11, 0x22, 0x33], [0x44, 0x55], [0x66, 0x77, 0x88, 0x99]];
    private T30Session _session = Poller(new T30Capabilities());
    private TimeSpan _now;

    private static T30Session Poller(T30Capabilities caps) =>
        new(new T30SessionOptions { Direction = T30Direction.Poll, LocalIdent = "+1 555 0100", Capabilities = caps });

    private static T30Session Polled(T30Capabilities caps, bool offer = true) =>
        new(new T30SessionOptions { Direction = T30Direction.Receive, OfferForPolling = offer, LocalIdent = "+49 30 555", Capabilities = caps });

    private List<T30Action> Step(T30Input input, int advanceMs = 20)
    {
        _now += TimeSpan.FromMilliseconds(advanceMs);
        return [.. _session.Step(input, _now)];
    }

    private static byte[] Frame(T30FrameType type, byte[]? fif = null, bool x = false)
    {
        var buf = new byte[300];
        return buf[..T30Frame.Write(buf, type, x, isFinal: true, fif ?? [])];
    }

    private static List<T30FrameType> Sent(IEnumerable<T30Action> actions) =>
        actions.Where(a => a.Kind == T30ActionKind.SendFrames).SelectMany(a => a.Frames).Select(f => T30Fcf.Identify(f[2])).ToList();

    private static byte[] Dis(T30Capabilities caps, bool document)
    {
        var dis = DisFrame.For(caps);
        dis.ReadyToTransmit = document;
        return dis.Bits.ToArray();
    }

    private static byte[] Ident(string id)
    {
        var f = new byte[T30Identity.Length];
        T30Identity.TryEncode(id, f);
        return f;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_poller_and_a_polled_answerer_exchange_three_pages(bool ecm)
    {
        var caps = new T30Capabilities { Ecm = ecm, T6 = ecm };
        var line = new BackToBack(Poller(caps), Polled(caps));
        line.Run();

        Assert.True(line.Caller.Result!.Success, line.Caller.Result.Detail);
        Assert.True(line.Answerer.Result!.Success, line.Answerer.Result.Detail);
        Assert.Equal(3, line.Caller.Result.PagesReceived);
        Assert.Equal(3, line.Answerer.Result.PagesSent);
        Assert.Equal(Pages.Select(p => Convert.ToHexString(p)), line.Received.Select(p => Convert.ToHexString(p.ToArray())));
        Assert.False(line.Caller.Transmitting);
        Assert.True(line.Answerer.Transmitting);
        Assert.Equal("+49 30 555", line.Caller.Result.RemoteIdent);
        Assert.Equal("+1 555 0100", line.Answerer.Result.RemoteIdent);
        Assert.Equal(ecm, line.Caller.Result.LastDcs!.Ecm);

        // The answerer's DIS offers the document; the caller answers CIG + DTC and then acts as receiver.
        var answerer = line.FramesFrom(line.Answerer);
        var caller = line.FramesFrom(line.Caller);
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], answerer.Take(2).Select(f => T30Fcf.Identify(f[2])));
        Assert.True(DisFrame.TryParse(answerer[1].AsSpan(3), out var dis, out _) && dis.ReadyToTransmit);
        Assert.Equal([T30FrameType.Cig, T30FrameType.Dtc, T30FrameType.Cfr], caller.Take(3).Select(f => T30Fcf.Identify(f[2])));
        Assert.Equal(0x81, caller[1][2]); // DTC
        Assert.True(DisFrame.TryParse(caller[1].AsSpan(3), out var dtc, out _) && dtc.ReadyToReceive && !dtc.ReadyToTransmit);
        Assert.Equal(T30FrameType.Dcn, T30Fcf.Identify(answerer[^1][2]));

        // T.30 §5.3.6.1.1: X = 1 only in frames from the station that received the DIS: the caller.
        Assert.All(caller.Skip(2), f => Assert.Equal(1, f[2] & T30Fcf.XBit));
        Assert.All(answerer.Skip(2).Where(f => T30Fcf.HasXBit(T30Fcf.Identify(f[2]))), f => Assert.Equal(0, f[2] & T30Fcf.XBit));
        var expected = ecm ? [T30FrameType.Tsi, T30FrameType.Dcs, T30FrameType.Pps, T30FrameType.Pps, T30FrameType.Pps, T30FrameType.Dcn]
            : new[] { T30FrameType.Tsi, T30FrameType.Dcs, T30FrameType.Mps, T30FrameType.Mps, T30FrameType.Eop, T30FrameType.Dcn };
        Assert.Equal(expected, answerer.Skip(2).Select(f => T30Fcf.Identify(f[2])).Where(t => t is not T30FrameType.Fcd and not T30FrameType.Rcp));
    }

    [Fact]
    public void A_dis_without_a_document_ends_the_poll_with_dcn()
    {
        Step(T30Input.Start, 0);
        Assert.Equal(T30State.WaitDis, _session.State);
        Step(T30Input.Frame(Frame(T30FrameType.Csi, Ident("+49 30 555"))), 2000);
        var a = Step(T30Input.Frame(Frame(T30FrameType.Dis, Dis(new T30Capabilities(), document: false))));
        Assert.Equal([T30FrameType.Dcn], Sent(a));
        Assert.Equal(T30Completion.NothingToPoll, _session.Result!.Completion);
        Assert.Equal("+49 30 555", _session.Result.RemoteIdent);
    }

    [Fact]
    public void A_repeated_dis_after_a_lost_dtc_gets_the_dtc_again_and_t4_repeats_it_too()
    {
        Step(T30Input.Start, 0);
        var dis = Frame(T30FrameType.Dis, Dis(new T30Capabilities(), document: true));
        Assert.Equal([T30FrameType.Cig, T30FrameType.Dtc], Sent(Step(T30Input.Frame(dis), 2000)));
        Assert.Equal(T30State.WaitCommand, _session.State);
        Assert.Equal([T30FrameType.Cig, T30FrameType.Dtc], Sent(Step(T30Input.Frame(dis), 1500)));
        Assert.Equal([T30FrameType.Cig, T30FrameType.Dtc], Sent(Step(T30Input.Tick, 3000)));

        // Then the polled station commands as any sender does.
        Step(T30Input.Frame(Frame(T30FrameType.Tsi, Ident("+49 30 555"))), 500);
        var dcs = new DcsFrame { Receive = true, Rate = new T30Rate(T30Modulation.V29, 9600), Compression = T30Compression.MR, Resolution = T30Resolution.Fine, MinScanLineTimeMs = 20 };
        Step(T30Input.Frame(Frame(T30FrameType.Dcs, dcs.Bits.ToArray())));
        Assert.Equal(T30State.ReceiveTcf, _session.State);
        Step(T30Input.Image(new byte[9600 / 8 * 3 / 2]), 1500);
        var cfr = Sent(Step(T30Input.ImageEnd)).Single();
        Assert.Equal(T30FrameType.Cfr, cfr);
    }

    [Fact]
    public void A_poller_that_hears_nothing_after_its_dtc_gives_up_at_t1()
    {
        Step(T30Input.Start, 0);
        Step(T30Input.Frame(Frame(T30FrameType.Dis, Dis(new T30Capabilities(), document: true))), 1000);
        var dtcs = 1;
        while (_session.State != T30State.Complete)
        {
            dtcs += Sent(Step(T30Input.Tick, (int)(_session.NextDeadline!.Value - _now).TotalMilliseconds)).Count(t => t == T30FrameType.Dtc);
        }

        Assert.True(dtcs > 3, $"{dtcs} DTCs");
        Assert.Equal(T30Completion.NoIdentification, _session.Result!.Completion);
    }

    [Fact]
    public void An_answerer_with_a_document_sets_bit_9_and_still_receives_from_a_caller_that_sends()
    {
        _session = Polled(new T30Capabilities());
        var start = Step(T30Input.Start, 0);
        var dis = start.Single(a => a.Kind == T30ActionKind.SendFrames).Frames[1];
        Assert.True(DisFrame.TryParse(dis.AsSpan(3), out var parsed, out _) && parsed.ReadyToTransmit && parsed.ReadyToReceive);
        var dcs = new DcsFrame { Receive = true, Rate = new T30Rate(T30Modulation.V17, 14400), Ecm = true, Compression = T30Compression.MMR, Resolution = T30Resolution.Fine };
        Step(T30Input.Frame(Frame(T30FrameType.Dcs, dcs.Bits.ToArray(), x: true)), 1000);
        Assert.Equal(T30State.ReceiveTcf, _session.State);
        Assert.False(_session.Transmitting);
    }

    [Fact]
    public void An_answerer_without_a_document_refuses_a_dtc()
    {
        _session = Polled(new T30Capabilities(), offer: false);
        var start = Step(T30Input.Start, 0);
        Assert.True(DisFrame.TryParse(start.Single(a => a.Kind == T30ActionKind.SendFrames).Frames[1].AsSpan(3), out var dis, out _));
        Assert.False(dis.ReadyToTransmit);
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Dtc, Dis(new T30Capabilities(), document: false))), 1000)));
        Assert.Equal(T30Completion.NothingToPoll, _session.Result!.Completion);
    }

    [Fact]
    public void A_dtc_for_a_modem_we_lack_is_incompatible()
    {
        _session = Polled(new T30Capabilities { Modems = T30ModemSupport.V27ter });
        Step(T30Input.Start, 0);
        var a = Step(T30Input.Frame(Frame(T30FrameType.Dtc, Dis(new T30Capabilities { Modems = T30ModemSupport.V29 }, document: false))), 1000);
        Assert.Equal([T30FrameType.Dcn], Sent(a));
        Assert.Equal(T30Completion.Incompatible, _session.Result!.Completion);
    }

    [Fact]
    public void A_dtc_from_a_terminal_that_cannot_receive_is_incompatible()
    {
        _session = Polled(new T30Capabilities());
        Step(T30Input.Start, 0);
        var dtc = DisFrame.For(new T30Capabilities());
        dtc.ReadyToReceive = false;
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Dtc, dtc.Bits.ToArray())), 1000)));
        Assert.Equal(T30Completion.Incompatible, _session.Result!.Completion);
    }

    [Fact]
    public void A_repeated_dtc_after_a_lost_dcs_restarts_phase_b_and_the_call_goes_on()
    {
        _session = Polled(new T30Capabilities { Ecm = false, T6 = false });
        Step(T30Input.Start, 0);
        var dtc = Frame(T30FrameType.Dtc, Dis(new T30Capabilities { Ecm = false }, document: false));
        var first = Step(T30Input.Frame(Frame(T30FrameType.Cig, Ident("+1 555 0100"))), 1000);
        Assert.Empty(Sent(first));
        var a = Step(T30Input.Frame(dtc));
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(a));
        Assert.True(_session.Transmitting);
        Assert.Contains(a, x => x.Kind == T30ActionKind.SendImage);
        Assert.Null(_session.NextDeadline); // the receiving role's T4 (DIS repeat) is gone
        Step(T30Input.SendComplete, 1500);

        // The poller did not hear our DCS and repeats CIG + DTC.
        Step(T30Input.Frame(Frame(T30FrameType.Cig, Ident("+1 555 0100"))), 2000);
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(Step(T30Input.Frame(dtc))));
        Step(T30Input.SendComplete, 1500);
        var request = Step(T30Input.Frame(Frame(T30FrameType.Cfr, x: true))).Single(x => x.Kind == T30ActionKind.RequestPage);
        Assert.Equal(1, request.Page);
        Step(T30Input.Page(new byte[] { 1, 2 }, morePages: false));
        var eop = Step(T30Input.SendComplete, 2000).Single(x => x.Kind == T30ActionKind.SendFrames).Frames.Single();
        Assert.Equal(T30Fcf.Encode(T30FrameType.Eop, x: false), eop[2]);
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Mcf, x: true)))));
        Assert.True(_session.Result!.Success);
        Assert.Equal(1, _session.Result.PagesSent);
        Assert.Equal("+1 555 0100", _session.Result.RemoteIdent);
    }

    /// <summary>Two sessions wired to each other: frames, image data and page requests pass at once.</summary>
    private sealed class BackToBack(T30Session caller, T30Session answerer)
    {
        private readonly Queue<(T30Session To, T30Input Input)> _queue = new();
        private readonly List<(T30Session From, byte[] Frame)> _frames = [];
        private readonly MemoryStream _page = new();
        private TimeSpan _now;

        public T30Session Caller { get; } = caller;

        public T30Session Answerer { get; } = answerer;

        public List<ReadOnlyMemory<byte>> Received { get; } = [];

        public List<byte[]> FramesFrom(T30Session session) => [.. _frames.Where(f => f.From == session).Select(f => f.Frame)];

        public void Run()
        {
            Do(Answerer, T30Input.Start);
            Do(Caller, T30Input.Start);
            for (var steps = 0; steps < 10_000 && (Caller.State != T30State.Complete || Answerer.State != T30State.Complete); steps++)
            {
                if (_queue.TryDequeue(out var next))
                {
                    Do(next.To, next.Input);
                    continue;
                }

                // Nothing in flight: time runs to the next deadline.
                var deadlines = new[] { Caller.NextDeadline, Answerer.NextDeadline }.Where(d => d is not null).Select(d => d!.Value).ToList();
                if (deadlines.Count == 0)
                {
                    break;
                }

                _now = deadlines.Min();
                Do(Caller, T30Input.Tick);
                Do(Answerer, T30Input.Tick);
            }
        }

        private void Do(T30Session session, T30Input input)
        {
            _now += TimeSpan.FromMilliseconds(10);
            var other = session == Caller ? Answerer : Caller;
            foreach (var action in session.Step(input, _now).ToList())
            {
                switch (action.Kind)
                {
                    case T30ActionKind.SendFrames:
                        foreach (var f in action.Frames)
                        {
                            _frames.Add((session, f));
                            _queue.Enqueue((other, T30Input.Frame(f)));
                        }

                        break;
                    case T30ActionKind.SendImage:
                        _queue.Enqueue((other, T30Input.Image(action.Data.ToArray())));
                        _queue.Enqueue((other, T30Input.ImageEnd));
                        _queue.Enqueue((session, T30Input.SendComplete));
                        break;
                    case T30ActionKind.SendImageFrames:
                        foreach (var f in action.Frames)
                        {
                            _frames.Add((session, f));
                            _queue.Enqueue((other, T30Input.Frame(f)));
                        }

                        _queue.Enqueue((other, T30Input.ImageEnd));
                        _queue.Enqueue((session, T30Input.SendComplete));
                        break;
                    case T30ActionKind.RequestPage:
                        _queue.Enqueue((session, T30Input.Page(Pages[action.Page - 1], morePages: action.Page < Pages.Length)));
                        break;
                    case T30ActionKind.BeginPage:
                        _page.SetLength(0);
                        break;
                    case T30ActionKind.PageData:
                        _page.Write(action.Data.Span);
                        break;
                    case T30ActionKind.EndPage when action.Accepted:
                        Received.Add(_page.ToArray());
                        break;
                }
            }
        }
    }
}
