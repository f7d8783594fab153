using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

/// <summary>The calling terminal sending pages, driven like a far-end receiver would drive it.</summary>
public sealed class T30SessionSendTests
{
    private T30Session _session = New(new T30Capabilities { Ecm = false, T6 = false });
    private TimeSpan _now;

    private static T30Session New(T30Capabilities caps) =>
        new(new T30SessionOptions { Direction = T30Direction.Send, LocalIdent = "+1 555 0100", Capabilities = caps });

    private List<T30Action> Step(T30Input input, int advanceMs = 20)
    {
        _now += TimeSpan.FromMilliseconds(advanceMs);
        return [.. _session.Step(input, _now)];
    }

    private static byte[] Frame(T30FrameType type, byte[]? fif = null)
    {
        var buf = new byte[300];
        return buf[..T30Frame.Write(buf, type, x: false, isFinal: true, fif ?? [])];
    }

    private static List<T30FrameType> Sent(IEnumerable<T30Action> actions) =>
        actions.Where(a => a.Kind == T30ActionKind.SendFrames).SelectMany(a => a.Frames).Select(f => T30Fcf.Identify(f[2])).ToList();

    private static byte[] Dis(T30Capabilities caps) => DisFrame.For(caps).Bits.ToArray();

    private List<T30Action> ToTraining(T30Capabilities remote)
    {
        var start = Step(T30Input.Start, 0);
        Assert.Equal(T30Tone.Cng, start.Single(a => a.Kind == T30ActionKind.SendTone).Tone);
        Assert.Equal(T30State.WaitDis, _session.State);
        return Step(T30Input.Frame(Frame(T30FrameType.Dis, Dis(remote))), 3000);
    }

    [Fact]
    public void Dis_gets_tsi_dcs_and_tcf_then_cfr_gets_the_page_and_mcf_ends_the_call()
    {
        var a = ToTraining(new T30Capabilities());
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(a));
        var frames = a.Single(x => x.Kind == T30ActionKind.SendFrames).Frames;
        Assert.Equal(0x43, frames[0][2]); // X bit set: we received the DIS
        Assert.Equal("+1 555 0100", T30Identity.Decode(frames[0].AsSpan(3)));
        Assert.True(DcsFrame.TryParse(frames[1].AsSpan(3), out var dcs, out _));
        Assert.Equal(new T30Rate(T30Modulation.V17, 14400), dcs.Rate);
        Assert.False(dcs.Ecm);
        var tcf = a.Single(x => x.Kind == T30ActionKind.SendImage);
        Assert.Equal(14400 / 8 * 3 / 2, tcf.Data.Length);
        Assert.All(tcf.Data.ToArray(), b => Assert.Equal(0, b));
        Assert.Null(_session.NextDeadline); // T4 starts once the TCF is out
        Step(T30Input.SendComplete, 1500);
        Assert.Equal(_now + TimeSpan.FromSeconds(3), _session.NextDeadline);

        var request = Step(T30Input.Frame(Frame(T30FrameType.Cfr)), 200).Single(x => x.Kind == T30ActionKind.RequestPage);
        Assert.Equal(1, request.Page);
        Assert.Equal(T30Compression.MR, request.Mode!.Compression);
        var page = Step(T30Input.Page(new byte[] { 1, 2, 3 }, morePages: true)).Single(x => x.Kind == T30ActionKind.SendImage);
        Assert.Equal(new byte[] { 1, 2, 3 }, page.Data.ToArray());
        Assert.Equal([T30FrameType.Mps], Sent(Step(T30Input.SendComplete, 5000)));
        Assert.Equal(2, Step(T30Input.Frame(Frame(T30FrameType.Mcf)), 500).Single(x => x.Kind == T30ActionKind.RequestPage).Page);
        Step(T30Input.Page(new byte[] { 4 }, morePages: false));
        Assert.Equal([T30FrameType.Eop], Sent(Step(T30Input.SendComplete, 5000)));
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Mcf)), 500)));
        Assert.True(_session.Result!.Success);
        Assert.Equal(2, _session.Result.PagesSent);
    }

    [Fact]
    public void Ftt_steps_the_rate_down_until_nothing_is_left()
    {
        _session = New(new T30Capabilities { Ecm = false, Modems = T30ModemSupport.V27ter });
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        var a = Step(T30Input.Frame(Frame(T30FrameType.Ftt)), 200);
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(a));
        Assert.Equal(new T30Rate(T30Modulation.V27ter, 2400), _session.Mode!.Rate);
        Step(T30Input.SendComplete, 1500);
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Ftt)), 200)));
        Assert.Equal(T30Completion.TrainingFailed, _session.Result!.Completion);
    }

    [Fact]
    public void No_answer_to_dcs_is_tried_three_times()
    {
        ToTraining(new T30Capabilities());
        var dcsCount = 1;
        while (_session.State != T30State.Complete)
        {
            Step(T30Input.SendComplete, 1500);
            var a = Step(T30Input.Tick, 3000);
            dcsCount += Sent(a).Count(t => t == T30FrameType.Dcs);
        }

        Assert.Equal(3, dcsCount);
        Assert.Equal(T30Completion.NoResponse, _session.Result!.Completion);
    }

    [Fact]
    public void No_dis_within_t1_ends_the_call()
    {
        Step(T30Input.Start, 0);
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Tick, 35000)));
        Assert.Equal(T30Completion.NoIdentification, _session.Result!.Completion);
    }

    [Fact]
    public void A_far_end_that_cannot_receive_is_incompatible()
    {
        Step(T30Input.Start, 0);
        var dis = DisFrame.For(new T30Capabilities());
        dis.ReadyToReceive = false;
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Dis, dis.Bits.ToArray())))));
        Assert.Equal(T30Completion.Incompatible, _session.Result!.Completion);
    }

    [Fact]
    public void Rtn_retrains_and_sends_the_same_page_again()
    {
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        Step(T30Input.Page(new byte[] { 9, 9 }, morePages: false));
        Step(T30Input.SendComplete, 2000);
        var rtn = Step(T30Input.Frame(Frame(T30FrameType.Rtn)));
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(rtn));
        Step(T30Input.SendComplete, 1500);
        var again = Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        Assert.DoesNotContain(again, x => x.Kind == T30ActionKind.RequestPage);
        Assert.Equal(new byte[] { 9, 9 }, again.Single(x => x.Kind == T30ActionKind.SendImage).Data.ToArray());
        // One step slower after a poor page.
        Assert.Equal(new T30Rate(T30Modulation.V17, 12000), _session.Mode!.Rate);
    }

    [Fact]
    public void A_page_rejected_on_every_try_ends_the_call_instead_of_looping()
    {
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        Step(T30Input.Page(new byte[] { 9, 9 }, morePages: true));
        Step(T30Input.SendComplete, 2000);
        // Sent once, then again after each of two RTNs; the third RTN ends it.
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], Sent(Step(T30Input.Frame(Frame(T30FrameType.Rtn)))));
            Step(T30Input.SendComplete, 1500);
            Assert.Single(Step(T30Input.Frame(Frame(T30FrameType.Cfr))), x => x.Kind == T30ActionKind.SendImage);
            Step(T30Input.SendComplete, 2000);
        }

        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Rtn)))));
        Assert.Equal(T30Completion.PageRejected, _session.Result!.Completion);
        Assert.Equal(0, _session.Result.PagesSent);
    }

    [Fact]
    public void The_retransmission_count_starts_again_for_each_page()
    {
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        Step(T30Input.Page(new byte[] { 1 }, morePages: true));
        Step(T30Input.SendComplete, 2000);
        for (var page = 0; page < 3; page++)
        {
            // Two RTNs per page are allowed, then MCF.
            for (var i = 0; i < 2; i++)
            {
                Step(T30Input.Frame(Frame(T30FrameType.Rtn)));
                Step(T30Input.SendComplete, 1500);
                Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
                Step(T30Input.SendComplete, 2000);
            }

            var next = Step(T30Input.Frame(Frame(T30FrameType.Mcf)));
            Assert.Equal(page + 2, next.Single(x => x.Kind == T30ActionKind.RequestPage).Page);
            Step(T30Input.Page(new byte[] { 1 }, morePages: true));
            Step(T30Input.SendComplete, 2000);
        }

        Assert.NotEqual(T30State.Complete, _session.State);
    }

    [Fact]
    public void Ecm_sends_frames_and_rcp_resends_what_ppr_asks_for_and_uses_ctc_after_four()
    {
        _session = New(new T30Capabilities());
        ToTraining(new T30Capabilities());
        Assert.True(_session.Mode!.Ecm);
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        var page = Enumerable.Range(0, 600).Select(i => (byte)i).ToArray();
        var block = Step(T30Input.Page(page, morePages: false)).Single(x => x.Kind == T30ActionKind.SendImageFrames);
        Assert.Equal([T30FrameType.Fcd, T30FrameType.Fcd, T30FrameType.Fcd, T30FrameType.Rcp, T30FrameType.Rcp, T30FrameType.Rcp], block.Frames.Select(f => T30Fcf.Identify(f[2])));
        Assert.Equal(page.Take(256).Select(HdlcBitOrder.Reverse), block.Frames[0].Skip(4));
        Assert.Equal(88, block.Frames[2].Length - 4);

        var pps = Step(T30Input.SendComplete, 1000).Single(x => x.Kind == T30ActionKind.SendFrames).Frames.Single();
        Assert.True(PpsFrame.TryParse(pps.AsSpan(3), out var p, out _));
        Assert.Equal(new PpsFrame(T30PostMessage.Eop, 0, 0, 3), p);

        var ppr = new EcmFrameMap();
        ppr[1] = true;
        var map = new byte[32];
        ppr.Write(map);
        for (var i = 0; i < 3; i++)
        {
            var resend = Step(T30Input.Frame(Frame(T30FrameType.Ppr, map)), 200).Single(x => x.Kind == T30ActionKind.SendImageFrames);
            Assert.Equal([1], resend.Frames.Where(f => T30Fcf.Identify(f[2]) == T30FrameType.Fcd).Select(f => (int)f[3]));
            Step(T30Input.SendComplete, 300);
        }

        Assert.Equal([T30FrameType.Ctc], Sent(Step(T30Input.Frame(Frame(T30FrameType.Ppr, map)), 200)));
        Assert.Single(Step(T30Input.Frame(Frame(T30FrameType.Ctr)), 200), x => x.Kind == T30ActionKind.SendImageFrames);
        Step(T30Input.SendComplete, 300);
        Assert.Equal([T30FrameType.Dcn], Sent(Step(T30Input.Frame(Frame(T30FrameType.Mcf)), 200)));
        Assert.True(_session.Result!.Success);
    }

    [Fact]
    public void Rnr_is_answered_with_rr_until_t5_runs_out()
    {
        _session = New(new T30Capabilities());
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        Step(T30Input.Page(new byte[100], morePages: false));
        Step(T30Input.SendComplete, 1000);
        var rr = 0;
        while (_session.State != T30State.Complete)
        {
            var a = Step(T30Input.Frame(Frame(T30FrameType.Rnr)), 2000);
            rr += Sent(a).Count(t => t == T30FrameType.Rr);
        }

        Assert.Equal(30, rr); // one every 2 s for 60 s
        Assert.Equal(T30Completion.ReceiverNotReady, _session.Result!.Completion);
    }

    [Fact]
    public void Pages_longer_than_a_block_go_in_several_blocks()
    {
        _session = New(new T30Capabilities());
        ToTraining(new T30Capabilities());
        Step(T30Input.SendComplete, 1500);
        Step(T30Input.Frame(Frame(T30FrameType.Cfr)));
        var first = Step(T30Input.Page(new byte[(256 * 256) + 10], morePages: false)).Single(x => x.Kind == T30ActionKind.SendImageFrames);
        Assert.Equal(256 + 3, first.Frames.Count);
        var pps = Step(T30Input.SendComplete, 1000).Single(x => x.Kind == T30ActionKind.SendFrames).Frames.Single();
        Assert.True(PpsFrame.TryParse(pps.AsSpan(3), out var p, out _));
        Assert.Equal(new PpsFrame(T30PostMessage.Null, 0, 0, 256), p);
        var second = Step(T30Input.Frame(Frame(T30FrameType.Mcf)), 200).Single(x => x.Kind == T30ActionKind.SendImageFrames);
        Assert.Equal(1 + 3, second.Frames.Count);
        pps = Step(T30Input.SendComplete, 1000).Single(x => x.Kind == T30ActionKind.SendFrames).Frames.Single();
        Assert.True(PpsFrame.TryParse(pps.AsSpan(3), out p, out _));
        Assert.Equal(new PpsFrame(T30PostMessage.Eop, 0, 1, 1), p);
    }
}
