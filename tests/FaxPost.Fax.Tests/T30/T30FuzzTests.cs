using FaxPost.Fax.T30;
using FaxPost.Fax.Tests.T38;

namespace FaxPost.Fax.Tests.T30;

public sealed class T30FuzzTests
{
    [Fact]
    public void Mutated_frames_parse_cleanly_or_fail_with_a_reason()
    {
        var rng = new Random(30);
        var seeds = new List<byte[]>();
        var buf = new byte[300];
        var fif = new byte[64];
        var disLength = DisFrame.For(new T30Capabilities()).Write(fif);
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Dis, false, true, fif.AsSpan(0, disLength))]);
        var dcs = new DcsFrame { Receive = true, Rate = new T30Rate(T30Modulation.V17, 14400), Ecm = true };
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Dcs, true, true, fif.AsSpan(0, dcs.Write(fif)))]);
        T30Identity.TryEncode("+1 555 0100", fif);
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Csi, false, false, fif.AsSpan(0, 20))]);
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Pps, true, true, fif.AsSpan(0, new PpsFrame(T30PostMessage.Mps, 1, 0, 12).Write(fif, true)))]);
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Ppr, false, true, new byte[32])]);
        seeds.Add(buf[..FcdFrame.Write(buf, 3, new byte[256])]);
        seeds.Add(buf[..T30Frame.Write(buf, T30FrameType.Mcf, false, true, [])]);

        var work = new byte[400];
        var accepted = 0;
        for (var i = 0; i < 100_000; i++)
        {
            var len = IfpFuzzTests.Mutate(rng, seeds[rng.Next(seeds.Count)], work);
            var input = work.AsSpan(0, len);
            if (!T30Frame.TryParse(input, out var frame, out var error))
            {
                Assert.NotEqual(T30FrameError.None, error);
                continue;
            }

            accepted++;
            Assert.NotEqual(T30FrameType.Unknown, frame.Type);
            switch (frame.Type)
            {
                case T30FrameType.Dis or T30FrameType.Dtc:
                    Assert.True(DisFrame.TryParse(frame.Fif, out var dis, out _));
                    _ = (dis.Modems, dis.MaxWidth, dis.MaxLength, dis.MinScanLineTimeMs);
                    break;
                case T30FrameType.Dcs:
                    if (DcsFrame.TryParse(frame.Fif, out var d, out _))
                    {
                        _ = (d.Rate, d.Resolution, d.Compression, d.Width, d.MinScanLineTimeMs);
                    }

                    break;
                case T30FrameType.Pps:
                    PpsFrame.TryParse(frame.Fif, out _, out _);
                    break;
                case T30FrameType.Ppr:
                    Assert.InRange(EcmFrameMap.Parse(frame.Fif).Count, 0, 256);
                    break;
                case T30FrameType.Fcd:
                    Assert.True(FcdFrame.TryParse(frame, out var n, out _, out _));
                    Assert.InRange(n, 0, 255);
                    break;
                case T30FrameType.Csi or T30FrameType.Tsi:
                    Assert.InRange(T30Identity.Decode(frame.Fif).Length, 0, 20);
                    break;
            }
        }

        Assert.InRange(accepted, 1, 99_999);
    }

    [Fact]
    public void Every_prefix_of_a_frame_is_handled()
    {
        var buf = new byte[300];
        var fif = new byte[64];
        var n = T30Frame.Write(buf, T30FrameType.Dis, false, true, fif.AsSpan(0, DisFrame.For(new T30Capabilities()).Write(fif)));
        for (var len = 0; len < n; len++)
        {
            var ok = T30Frame.TryParse(buf.AsSpan(0, len), out var frame, out var error);
            Assert.Equal(len >= 6, ok);
            if (!ok)
            {
                Assert.Equal(len < 3 ? T30FrameError.TooShort : T30FrameError.FifTooShort, error);
            }
        }
    }
}

public sealed class T30SessionFuzzTests
{
    /// <summary>Random frames, garbage, data and time thrown at sessions: they never throw and always end.</summary>
    [Fact]
    public void Sessions_survive_random_input()
    {
        var rng = new Random(5);
        var buf = new byte[300];
        var frames = new List<byte[]>();
        foreach (var type in Enum.GetValues<T30FrameType>().Where(t => t != T30FrameType.Unknown))
        {
            var fif = type switch
            {
                T30FrameType.Dcs => new DcsFrame { Receive = true, Rate = T30Rate.All[rng.Next(8)], Ecm = rng.Next(2) == 0, Compression = T30Compression.MR }.Bits.ToArray(),
                T30FrameType.Dis or T30FrameType.Dtc => DisFrame.For(new T30Capabilities()).Bits.ToArray(),
                T30FrameType.Csi or T30FrameType.Tsi or T30FrameType.Cig or T30FrameType.Sub or T30FrameType.Sid or T30FrameType.Pwd or T30FrameType.Sep => new byte[20],
                T30FrameType.Pps => [0x2E, 0, 0, (byte)rng.Next(256)],
                T30FrameType.Ppr => new byte[32],
                T30FrameType.Fcd => new byte[1 + rng.Next(1, 257)],
                T30FrameType.Nsf or T30FrameType.Nsc or T30FrameType.Nss => [0xAD, 0x00],
                T30FrameType.Ctc => [0, 0x20],
                T30FrameType.Eor => [0x2E],
                _ => [],
            };
            frames.Add(buf[..T30Frame.Write(buf, type, rng.Next(2) == 0, true, fif)]);
        }

        // A DIS offering a document to poll, so polling sessions get past phase B.
        var offering = DisFrame.For(new T30Capabilities());
        offering.ReadyToTransmit = true;
        frames.Add(buf[..T30Frame.Write(buf, T30FrameType.Dis, false, true, offering.Bits.ToArray())]);
        for (var run = 0; run < 600; run++)
        {
            // Receive, send, poll, and answer with a document offered for polling.
            var role = run % 4;
            var session = new T30Session(new T30SessionOptions
            {
                Direction = role switch { 1 => T30Direction.Send, 2 => T30Direction.Poll, _ => T30Direction.Receive },
                OfferForPolling = role == 3,
            });
            var now = TimeSpan.Zero;
            session.Step(T30Input.Start, now);
            for (var i = 0; i < 400 && session.State != T30State.Complete; i++)
            {
                now += TimeSpan.FromMilliseconds(rng.Next(0, 2000));
                T30Input input = rng.Next(12) switch
                {
                    10 => T30Input.Page(new byte[rng.Next(0, 70000)], rng.Next(2) == 0),
                    11 => T30Input.SendComplete,
                    < 5 => T30Input.Frame(frames[rng.Next(frames.Count)]),
                    5 => T30Input.Frame(Garbage(rng)),
                    6 => T30Input.Image(new byte[rng.Next(0, 3000)]),
                    7 => T30Input.ImageEnd,
                    8 => T30Input.Quality(rng.Next(2) == 0),
                    _ => T30Input.Tick,
                };
                foreach (var action in session.Step(input, now))
                {
                    if (action.Kind == T30ActionKind.SendFrames)
                    {
                        Assert.All(action.Frames, f => Assert.True(T30Frame.TryParse(f, out _, out _)));
                    }
                }
            }

            if (session.Transmitting)
            {
                // A sender may be waiting on its host (page data, transport); that is not a hang of the far end.
                continue;
            }

            // Time alone always brings a receiving session to an end (T1/T2 are always running when waiting).
            for (var i = 0; i < 100 && session.State != T30State.Complete; i++)
            {
                now = session.NextDeadline ?? now + TimeSpan.FromSeconds(1);
                session.Step(T30Input.Tick, now);
            }

            Assert.Equal(T30State.Complete, session.State);
            Assert.NotNull(session.Result);
        }
    }

    private static byte[] Garbage(Random rng)
    {
        var g = new byte[rng.Next(0, 40)];
        rng.NextBytes(g);
        if (g.Length > 2 && rng.Next(2) == 0)
        {
            g[0] = 0xFF;
            g[1] = 0x13;
        }

        return g;
    }
}
