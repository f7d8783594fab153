using FaxPost.Fax.T30;
using FaxPost.Fax.T38;

namespace FaxPost.Fax.Tests.T38;

/// <summary>Random and mutated IFP streams through the terminal into live sessions: bounded frames, no exceptions, an end.</summary>
public sealed class T38TerminalFuzzTests
{
    [Fact]
    public void Random_ifp_streams_reach_sessions_as_bounded_inputs_and_every_receiving_session_ends()
    {
        var rng = new Random(3838);
        var buf = new byte[4096];
        var inputs = new List<T30Input>();
        var errors = new HashSet<IfpError>();
        int frames = 0, badFrames = 0, oversized = 0;
        for (var run = 0; run < 400; run++)
        {
            var version = run % 4;
            var send = run % 2 == 1;
            var terminal = new T38Terminal(version);
            var session = new T30Session(new T30SessionOptions { Direction = send ? T30Direction.Send : T30Direction.Receive });
            var now = TimeSpan.Zero;
            session.Step(T30Input.Start, now);
            for (var i = 0; i < 250 && session.State != T30State.Complete; i++)
            {
                // Mostly well-formed packets (HDLC runs far past any frame length among them), some mutated.
                byte[] wire = rng.Next(4) == 0
                    ? IfpModel.Data(T38DataType.V21, (IfpFieldType.HdlcData, RandomBytes(rng, rng.Next(1, 300)))).Encode(version)
                    : IfpModel.Random(rng, version).Encode(version);
                var len = rng.Next(5) == 0 ? IfpFuzzTests.Mutate(rng, wire, buf) : Copy(wire, buf);
                inputs.Clear();
                var error = terminal.Receive(buf.AsSpan(0, len), inputs);
                if (error != IfpError.None)
                {
                    errors.Add(error);
                    Assert.Empty(inputs);
                }

                foreach (var input in inputs)
                {
                    if (input.Kind == T30InputKind.Frame)
                    {
                        frames++;
                        // T.38 §7.4: a frame ends at hdlc-fcs-*; an HDLC run past the terminal's buffer is a bad frame,
                        // and whatever is longer than a T.30 frame is refused by the frame parser the session uses.
                        Assert.InRange(input.Data.Length, 1, T30Frame.MaxLength + 16);
                        if (input.Data.Length > T30Frame.MaxLength)
                        {
                            oversized++;
                            Assert.False(T30Frame.TryParse(input.Data.Span, out _, out _));
                        }
                    }
                    else if (input.Kind == T30InputKind.BadFrame)
                    {
                        badFrames++;
                    }

                    now += TimeSpan.FromMilliseconds(rng.Next(0, 300));
                    session.Step(input, now);
                }
            }

            if (!send)
            {
                // T1/T2 always run while a receiver waits: time alone ends it.
                for (var i = 0; i < 100 && session.State != T30State.Complete; i++)
                {
                    now = session.NextDeadline ?? now + TimeSpan.FromSeconds(1);
                    session.Step(T30Input.Tick, now);
                }

                Assert.Equal(T30State.Complete, session.State);
                Assert.NotNull(session.Result);
            }
        }

        Assert.True(frames > 0 && badFrames > 0 && oversized > 0, $"{frames} frames, {badFrames} bad frames, {oversized} oversized");
        Assert.NotEmpty(errors);
    }

    private static int Copy(byte[] wire, byte[] buf)
    {
        var n = Math.Min(wire.Length, buf.Length);
        wire.AsSpan(0, n).CopyTo(buf);
        return n;
    }

    private static byte[] RandomBytes(Random rng, int n)
    {
        var b = new byte[n];
        rng.NextBytes(b);
        return b;
    }
}
