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
