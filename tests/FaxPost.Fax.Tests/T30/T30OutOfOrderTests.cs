using FaxPost.Fax.T30;

namespace FaxPost.Fax.Tests.T30;

/// <summary>T.30 frames in the wrong phase: no page is taken or sent on them, and the call ends with a specific reason.</summary>
public sealed class T30OutOfOrderTests
{
    private static byte[] Frame(T30FrameType type, ReadOnlySpan<byte> fif = default)
    {
        var buf = new byte[T30Frame.MaxLength];
        return buf[..T30Frame.Write(buf, type, x: false, isFinal: true, fif)];
    }

    private static readonly T30FrameType[] PhaseDFrames =
        [T30FrameType.Mps, T30FrameType.Eop, T30FrameType.Eom, T30FrameType.Mcf, T30FrameType.Rtn, T30FrameType.Cfr, T30FrameType.Ftt, T30FrameType.Rr, T30FrameType.Crp];

    [Fact]
    public void A_receiver_given_phase_d_commands_before_any_dcs_stores_nothing_and_ends_with_a_reason()
    {
        var (actions, result) = RunOutOfOrder(T30Direction.Receive);
        Assert.DoesNotContain(actions, a => a.Kind is T30ActionKind.BeginPage or T30ActionKind.EndPage or T30ActionKind.PageData);
        Assert.Equal(0, result.PagesReceived);
        Assert.True(result.Completion is T30Completion.NoIdentification or T30Completion.UnexpectedFrame or T30Completion.CommandTimeout, $"{result.Completion}: {result.Detail}");
        Assert.NotEmpty(result.Detail);
    }

    [Fact]
    public void A_sender_given_responses_before_any_dis_asks_for_no_page_and_ends_with_a_reason()
    {
        var (actions, result) = RunOutOfOrder(T30Direction.Send);
        Assert.DoesNotContain(actions, a => a.Kind is T30ActionKind.RequestPage or T30ActionKind.SendImage or T30ActionKind.SendImageFrames);
        Assert.Equal(0, result.PagesSent);
        Assert.True(result.Completion is T30Completion.NoIdentification or T30Completion.UnexpectedFrame, $"{result.Completion}: {result.Detail}");
    }

    /// <summary>Starts a session, feeds it every phase D frame half a second apart, then lets its timers run out.</summary>
    private static (List<T30Action> Actions, T30Result Result) RunOutOfOrder(T30Direction direction)
    {
        var session = new T30Session(new T30SessionOptions { Direction = direction });
        var now = TimeSpan.Zero;
        var actions = session.Step(T30Input.Start, now).ToList();
        foreach (var type in PhaseDFrames)
        {
            now += TimeSpan.FromMilliseconds(500);
            actions.AddRange(session.Step(T30Input.Frame(Frame(type)), now));
        }

        for (var i = 0; i < 50 && session.State != T30State.Complete; i++)
        {
            now = session.NextDeadline ?? now + TimeSpan.FromSeconds(1);
            actions.AddRange(session.Step(T30Input.Tick, now));
        }

        Assert.Equal(T30State.Complete, session.State);
        Assert.False(session.Result!.Success);
        return (actions, session.Result);
    }
}
