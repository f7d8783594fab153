using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

/// <summary>The receiving terminal, driven like a far-end sender would drive it.</summary>
public sealed class T30SessionTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);
    private readonly T30Session _session = new(new T30SessionOptions { LocalIdent = "+49 30 555", Capabilities = new T30Capabilities() });
    private readonly List<T30Action> _all = [];
    private TimeSpan _now;

    private List<T30Action> Step(T30Input input, int advanceMs = 0)
    {
        _now += advanceMs * Ms;
        var actions = _session.Step(input, _now).ToList();
        _all.AddRange(actions);
        return actions;
    }

    private static byte[] Frame(T30FrameType type, bool final = true, byte[]? fif = null)
    {
        var buf = new byte[300];
        var n = T30Frame.Write(buf, type, x: true, final, fif ?? []);
        return buf[..n];
    }

    private static List<T30FrameType> Sent(IEnumerable<T30Action> actions) =>
        actions.Where(a => a.Kind == T30ActionKind.SendFrames).SelectMany(a => a.Frames).Select(f => T30Fcf.Identify(f[2])).ToList();

    private static byte[] Dcs(T30Rate rate, bool ecm, T30Compression compression = T30Compression.MR) =>
        new DcsFrame { Receive = true, Rate = rate, Ecm = ecm, Compression = compression, Resolution = T30Resolution.Fine, MinScanLineTimeMs = ecm ? 0 : 20 }.Bits.ToArray();

    private static byte[] Tsi(string id)
    {
        var f = new byte[20];
        T30Identity.TryEncode(id, f);
        return f;
    }

    private void PhaseB(T30Rate rate, bool ecm, T30Compression compression = T30Compression.MR)
    {
        Step(T30Input.Frame(Frame(T30FrameType.Tsi, false, Tsi("+1 555 0100"))), 500);
        var a = Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(rate, ecm, compression))));
        Assert.Equal(T30State.ReceiveTcf, _session.State);
        Assert.Contains(a, x => x is { Kind: T30ActionKind.Listen, Listen: T30Listen.ImageData } && x.Rate == rate);
        Tcf(rate, zeros: true);
    }

    private List<T30Action> Tcf(T30Rate rate, bool zeros)
    {
        var chunk = new byte[rate.BitRate / 8 / 50];
        var rng = new Random(1);
        for (var i = 0; i < 75; i++)
        {
            if (!zeros)
            {
                rng.NextBytes(chunk);
            }

            Step(T30Input.Image(chunk), 20);
        }

        return Step(T30Input.ImageEnd, 20);
    }

    [Fact]
    public void Start_sends_ced_then_csi_and_dis_and_waits_t4()
    {
        var a = Step(T30Input.Start);
        Assert.Equal(T30ActionKind.SendTone, a[0].Kind);
        Assert.Equal(T30Tone.Ced, a[0].Tone);
        var frames = a.Single(x => x.Kind == T30ActionKind.SendFrames).Frames;
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], frames.Select(f => T30Fcf.Identify(f[2])));
        Assert.Equal(T30Frame.ControlNotFinal, frames[0][1]);
        Assert.Equal(T30Frame.ControlFinal, frames[1][1]);
        Assert.Equal("+49 30 555", T30Identity.Decode(frames[0].AsSpan(3)));
        Assert.True(DisFrame.TryParse(frames[1].AsSpan(3), out var dis, out _));
        Assert.True(dis.ReadyToReceive && dis.Ecm && dis.T6);
        Assert.Equal(T30State.WaitCommand, _session.State);
        Assert.Equal(TimeSpan.FromSeconds(3), _session.NextDeadline);
    }

    [Fact]
    public void Dis_is_repeated_every_t4_until_t1_gives_up()
    {
        Step(T30Input.Start);
        var disCount = 1;
        while (_session.State != T30State.Complete)
        {
            var next = _session.NextDeadline!.Value;
            var a = Step(T30Input.Tick, (int)(next - _now).TotalMilliseconds);
            disCount += Sent(a).Count(t => t == T30FrameType.Dis);
            Assert.True(_now <= TimeSpan.FromSeconds(35));
        }

        Assert.Equal(12, disCount); // at 0, 3, ..., 33 s
        Assert.Equal(T30FrameType.Dcn, Sent(_all).Last());
        Assert.Equal(T30Completion.NoIdentification, _session.Result!.Completion);
        Assert.Null(_session.NextDeadline);
    }

    [Fact]
    public void Dis_is_not_repeated_while_the_far_end_is_talking()
    {
        Step(T30Input.Start);
        Step(T30Input.Signal, 2500);
        Assert.Empty(Sent(Step(T30Input.Tick, 1000))); // 3.5 s: T4 started over at 2.5 s
        Step(T30Input.Signal, 1000);
        Assert.Empty(Sent(Step(T30Input.Tick, 2500)));
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], Sent(Step(T30Input.Tick, 600)));
    }

    [Fact]
    public void Non_ecm_call_with_two_pages()
    {
        Step(T30Input.Start);
        PhaseB(new T30Rate(T30Modulation.V29, 9600), ecm: false);
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis, T30FrameType.Cfr], Sent(_all));
        Assert.Equal(T30State.WaitPage, _session.State);

        for (var page = 1; page <= 2; page++)
        {
            var first = Step(T30Input.Image(new byte[] { 0x00, 0x10, 0xAB }), 300);
            Assert.Equal(T30ActionKind.BeginPage, first[0].Kind);
            Assert.Equal(page, first[0].Page);
            Assert.Equal(T30Compression.MR, first[0].Mode!.Compression);
            Assert.Equal(T30ActionKind.PageData, first[1].Kind);
            Step(T30Input.Image(new byte[100]), 20);
            Step(T30Input.ImageEnd, 20);
            Assert.Equal(T30State.WaitPostPage, _session.State);
            var reply = Step(T30Input.Frame(Frame(page == 1 ? T30FrameType.Mps : T30FrameType.Eop)), 100);
            Assert.Equal([T30FrameType.Mcf], Sent(reply));
            Assert.True(reply.Single(a => a.Kind == T30ActionKind.EndPage).Accepted);
        }

        Assert.Equal(T30State.WaitDisconnect, _session.State);
        var end = Step(T30Input.Frame(Frame(T30FrameType.Dcn)), 100);
        Assert.Equal(T30ActionKind.CallComplete, end.Single().Kind);
        Assert.True(_session.Result!.Success);
        Assert.Equal(2, _session.Result.PagesReceived);
        Assert.Equal("+1 555 0100", _session.Result.RemoteIdent);
        Assert.Equal(2 * (3 + 100), _all.Where(a => a.Kind == T30ActionKind.PageData).Sum(a => a.Data.Length));
    }

    [Fact]
    public void Failed_training_gets_ftt_and_a_slower_retry_gets_cfr()
    {
        Step(T30Input.Start);
        Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(new T30Rate(T30Modulation.V17, 14400), false))), 500);
        Assert.Equal([T30FrameType.Ftt], Sent(Tcf(new T30Rate(T30Modulation.V17, 14400), zeros: false)));
        Assert.Equal(T30State.WaitCommand, _session.State);
        Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(new T30Rate(T30Modulation.V17, 12000), false))), 500);
        Assert.Equal([T30FrameType.Cfr], Sent(Tcf(new T30Rate(T30Modulation.V17, 12000), zeros: true)));
        Assert.Equal(12000, _session.Mode!.Rate.BitRate);
    }

    [Fact]
    public void A_page_the_host_finds_bad_gets_rtn_and_phase_b_again()
    {
        Step(T30Input.Start);
        PhaseB(new T30Rate(T30Modulation.V29, 9600), ecm: false);
        Step(T30Input.Image(new byte[50]), 300);
        Step(T30Input.ImageEnd, 20);
        Step(T30Input.Quality(false));
        var reply = Step(T30Input.Frame(Frame(T30FrameType.Mps)), 100);
        Assert.Equal([T30FrameType.Rtn], Sent(reply));
        Assert.False(reply.Single(a => a.Kind == T30ActionKind.EndPage).Accepted);
        Assert.Equal(T30State.WaitCommand, _session.State);
    }

    [Fact]
    public void A_repeated_post_page_command_gets_the_same_answer_once_more()
    {
        Step(T30Input.Start);
        PhaseB(new T30Rate(T30Modulation.V29, 9600), ecm: false);
        Step(T30Input.Image(new byte[50]), 300);
        Step(T30Input.ImageEnd, 20);
        Step(T30Input.Frame(Frame(T30FrameType.Mps)), 100);
        var again = Step(T30Input.Frame(Frame(T30FrameType.Mps)), 3000);
        Assert.Equal([T30FrameType.Mcf], Sent(again));
        Assert.DoesNotContain(again, a => a.Kind == T30ActionKind.EndPage);
        Assert.Equal(T30State.WaitPage, _session.State);
    }

    [Fact]
    public void Crp_repeats_our_last_frames_and_a_bad_command_asks_for_crp()
    {
        Step(T30Input.Start);
        var crp = Step(T30Input.Frame(Frame(T30FrameType.Crp)), 500);
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], Sent(crp));
        var bad = Step(T30Input.BadFrame, 100);
        Assert.Equal([T30FrameType.Crp], Sent(bad));
        // After our CRP, a CRP from the far end still gets the DIS, not our CRP.
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], Sent(Step(T30Input.Frame(Frame(T30FrameType.Crp)), 100)));
        Assert.Equal([T30FrameType.Crp], Sent(Step(T30Input.Frame(new byte[] { 0xFF, 0x13, 0xFF }), 100)));
    }

    [Theory]
    [InlineData(false, T30Compression.MMR, "T.6 without ECM")]
    [InlineData(true, T30Compression.MMR, null)]
    public void Dcs_must_ask_for_what_we_offered(bool ecm, T30Compression compression, string? problem)
    {
        Step(T30Input.Start);
        var a = Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(new T30Rate(T30Modulation.V17, 14400), ecm, compression))), 500);
        if (problem is null)
        {
            Assert.Equal(T30State.ReceiveTcf, _session.State);
            return;
        }

        Assert.Equal([T30FrameType.Dcn], Sent(a));
        Assert.Equal(T30Completion.InvalidDcs, _session.Result!.Completion);
        Assert.Contains(problem, _session.Result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Modem_not_offered_is_an_invalid_dcs()
    {
        var session = new T30Session(new T30SessionOptions { Capabilities = new T30Capabilities { Modems = T30ModemSupport.V29 | T30ModemSupport.V27ter } });
        session.Step(T30Input.Start, TimeSpan.Zero);
        session.Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(new T30Rate(T30Modulation.V17, 14400), false))), TimeSpan.FromSeconds(1));
        Assert.Equal(T30Completion.InvalidDcs, session.Result!.Completion);
    }

    [Fact]
    public void No_page_after_cfr_times_out_with_t2()
    {
        Step(T30Input.Start);
        PhaseB(new T30Rate(T30Modulation.V29, 9600), ecm: false);
        Assert.Equal(_now + TimeSpan.FromSeconds(6), _session.NextDeadline);
        var a = Step(T30Input.Tick, 6000);
        Assert.Equal([T30FrameType.Dcn], Sent(a));
        Assert.Equal(T30Completion.CommandTimeout, _session.Result!.Completion);
    }

    [Fact]
    public void Dcn_before_the_end_is_a_remote_disconnect_and_a_lost_dcn_after_eop_is_fine()
    {
        Step(T30Input.Start);
        PhaseB(new T30Rate(T30Modulation.V29, 9600), ecm: false);
        Step(T30Input.Frame(Frame(T30FrameType.Dcn)), 100);
        Assert.Equal(T30Completion.RemoteDisconnected, _session.Result!.Completion);

        var s = new T30Session(new T30SessionOptions());
        s.Step(T30Input.Start, TimeSpan.Zero);
        s.Step(T30Input.Frame(Frame(T30FrameType.Dcs, true, Dcs(new T30Rate(T30Modulation.V29, 9600), false))), TimeSpan.FromSeconds(1));
        s.Step(T30Input.Image(new byte[2000]), TimeSpan.FromSeconds(2));
        s.Step(T30Input.ImageEnd, TimeSpan.FromSeconds(2));
        s.Step(T30Input.Image(new byte[10]), TimeSpan.FromSeconds(3));
        s.Step(T30Input.Frame(Frame(T30FrameType.Eop)), TimeSpan.FromSeconds(4)); // no ImageEnd: EOP ends the page
        Assert.Equal(T30State.WaitDisconnect, s.State);
        s.Step(T30Input.Tick, TimeSpan.FromSeconds(10));
        Assert.True(s.Result!.Success);
        Assert.Equal(1, s.Result.PagesReceived);
    }
}
