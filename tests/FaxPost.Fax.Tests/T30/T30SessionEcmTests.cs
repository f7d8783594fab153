using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

/// <summary>The receiving terminal in error correction mode (T.30 Annex A).</summary>
public sealed class T30SessionEcmTests
{
    private static readonly T30Rate V17 = new(T30Modulation.V17, 14400);
    private readonly T30Session _session = new(new T30SessionOptions());
    private readonly List<T30Action> _all = [];
    private TimeSpan _now;

    private List<T30Action> Step(T30Input input, int advanceMs = 20)
    {
        _now += TimeSpan.FromMilliseconds(advanceMs);
        var actions = _session.Step(input, _now).ToList();
        _all.AddRange(actions);
        return actions;
    }

    private static byte[] Frame(T30FrameType type, byte[]? fif = null)
    {
        var buf = new byte[300];
        return buf[..T30Frame.Write(buf, type, x: true, isFinal: true, fif ?? [])];
    }

    private static List<T30FrameType> Sent(IEnumerable<T30Action> actions) =>
        actions.Where(a => a.Kind == T30ActionKind.SendFrames).SelectMany(a => a.Frames).Select(f => T30Fcf.Identify(f[2])).ToList();

    private static byte[] Block(int page, int block, int frame) => Enumerable.Range(0, 256).Select(i => (byte)(page * 100 + block * 10 + frame + i)).ToArray();

    private void Connect()
    {
        Step(T30Input.Start, 0);
        var dcs = new DcsFrame { Receive = true, Rate = V17, Ecm = true, Compression = T30Compression.MMR, Resolution = T30Resolution.Fine, MinScanLineTimeMs = 0 };
        Step(T30Input.Frame(Frame(T30FrameType.Dcs, dcs.Bits.ToArray())), 500);
        for (var i = 0; i < 75; i++)
        {
            Step(T30Input.Image(new byte[36]));
        }

        Assert.Equal([T30FrameType.Cfr], Sent(Step(T30Input.ImageEnd)));
        Assert.Equal(T30State.WaitPage, _session.State);
    }

    private void SendFrames(int page, int block, IEnumerable<int> frames)
    {
        var buf = new byte[300];
        foreach (var f in frames)
        {
            var n = FcdFrame.Write(buf, f, Block(page, block, f));
            Step(T30Input.Frame(buf.AsMemory(0, n)), 150);
        }

        for (var i = 0; i < 3; i++)
        {
            Step(T30Input.Frame(new byte[] { 0xFF, 0x13, (byte)T30FrameType.Rcp }), 10);
        }

        Step(T30Input.ImageEnd);
    }

    private List<T30Action> Pps(T30PostMessage pm, int page, int block, int frames)
    {
        var fif = new byte[4];
        new PpsFrame(pm, page, block, frames).Write(fif, x: true);
        return Step(T30Input.Frame(Frame(T30FrameType.Pps, fif)), 100);
    }

    [Fact]
    public void Missing_frames_are_asked_for_with_ppr_and_the_block_arrives_whole()
    {
        Connect();
        SendFrames(0, 0, Enumerable.Range(0, 10).Where(f => f != 3 && f != 7));
        var a = Pps(T30PostMessage.Null, 0, 0, 10);
        Assert.Equal([T30FrameType.Ppr], Sent(a));
        var map = EcmFrameMap.Parse(a.Single(x => x.Kind == T30ActionKind.SendFrames).Frames[0].AsSpan(3));
        Assert.Equal(2, map.Count);
        Assert.True(map[3] && map[7]);
        Assert.DoesNotContain(a, x => x.Kind == T30ActionKind.PageData);

        SendFrames(0, 0, [3, 7]);
        a = Pps(T30PostMessage.Null, 0, 0, 10);
        Assert.Equal([T30FrameType.Mcf], Sent(a));
        var data = a.Single(x => x.Kind == T30ActionKind.PageData).Data.ToArray();
        // Delivered in frame order, mirrored from HDLC order to first-bit-most-significant.
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(f => Block(0, 0, f)).Select(HdlcBitOrder.Reverse), data);
        Assert.Equal(T30State.ReceiveBlock, _session.State);

        // Second and last block of the page, then EOP.
        SendFrames(0, 1, Enumerable.Range(0, 4));
        a = Pps(T30PostMessage.Eop, 0, 1, 4);
        Assert.Equal([T30FrameType.Mcf], Sent(a));
        Assert.True(a.Single(x => x.Kind == T30ActionKind.EndPage).Accepted);
        Assert.Equal(T30State.WaitDisconnect, _session.State);
        Step(T30Input.Frame(Frame(T30FrameType.Dcn)));
        Assert.True(_session.Result!.Success);
        Assert.Equal(1, _session.Result.PagesReceived);
        Assert.Equal(1, _all.Count(x => x.Kind == T30ActionKind.BeginPage));
        Assert.Equal(14 * 256, _all.Where(x => x.Kind == T30ActionKind.PageData).Sum(x => x.Data.Length));
    }

    [Fact]
    public void A_repeated_pps_after_a_lost_mcf_is_answered_without_delivering_twice()
    {
        Connect();
        SendFrames(0, 0, Enumerable.Range(0, 5));
        Pps(T30PostMessage.Mps, 0, 0, 5);
        var again = Pps(T30PostMessage.Mps, 0, 0, 5);
        Assert.Equal([T30FrameType.Mcf], Sent(again));
        Assert.DoesNotContain(again, x => x.Kind is T30ActionKind.PageData or T30ActionKind.EndPage);

        // Next page starts with its first FCD frame.
        SendFrames(1, 0, Enumerable.Range(0, 2));
        var end = Pps(T30PostMessage.Eop, 1, 0, 2);
        Assert.Equal([T30FrameType.Mcf], Sent(end));
        Assert.Equal(2, _all.Count(x => x.Kind == T30ActionKind.BeginPage));
        Assert.Equal(2, _all.Count(x => x.Kind == T30ActionKind.EndPage));
    }

    [Fact]
    public void After_four_pprs_ctc_gets_ctr_and_eor_gets_err_with_a_flawed_page()
    {
        Connect();
        SendFrames(0, 0, [0, 1, 3]);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal([T30FrameType.Ppr], Sent(Pps(T30PostMessage.Eop, 0, 0, 4)));
            SendFrames(0, 0, []);
        }

        // CTC: continue at 9600 (DCS octet 2 with code 1001 for V.17 9600).
        var rate = new DcsFrame { Rate = new T30Rate(T30Modulation.V17, 9600) }.Bits.ToArray();
        Assert.Equal([T30FrameType.Ctr], Sent(Step(T30Input.Frame(Frame(T30FrameType.Ctc, [rate[0], rate[1]])), 100)));
        Assert.Equal(9600, _session.Mode!.Rate.BitRate);
        SendFrames(0, 0, []);
        var eor = Step(T30Input.Frame(Frame(T30FrameType.Eor, [(byte)T30FrameType.Eop])), 100);
        Assert.Equal([T30FrameType.Err], Sent(eor));
        // Frames 0, 1 and 3 arrived; frame 2 never did.
        Assert.Equal(3 * 256, eor.Single(x => x.Kind == T30ActionKind.PageData).Data.Length);
        Assert.False(eor.Single(x => x.Kind == T30ActionKind.EndPage).Accepted);
        Assert.Equal(T30State.WaitDisconnect, _session.State);
    }
}
