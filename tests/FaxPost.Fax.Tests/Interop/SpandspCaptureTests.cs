using FaxPost.Fax.T30;
using FaxPost.Fax.T38;
using Xunit.Abstractions;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>
/// A real spandsp call relayed through the test: every datagram goes through our UDPTL receiver and
/// IFP decoder, the HDLC frames are rebuilt and parsed as T.30, and the call must still succeed.
/// </summary>
public sealed class SpandspCaptureTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t38cap-").FullName;

    [Theory]
    [InlineData(0, true)]
    [InlineData(2, false)]
    public async Task Our_decoders_follow_a_whole_spandsp_call(int version, bool ecm)
    {
        var page = SpandspHarness.MakeTestPage(_dir);
        int callerPort = SpandspHarness.FreeUdpPort(), answererPort = SpandspHarness.FreeUdpPort();
        using var relay = new UdptlRelay(version);
        relay.Start(callerPort, answererPort);
        string[] common = ["--version", $"{version}", "--timeout", "80", .. ecm ? Array.Empty<string>() : ["--no-ecm"]];
        var timeout = TimeSpan.FromSeconds(90);
        var answerer = SpandspHarness.RunAsync(["receive", "--local", $"{answererPort}", "--remote", $"127.0.0.1:{relay.PortForB}", "--file", Path.Combine(_dir, "rx.tif"), .. common], timeout);
        var caller = SpandspHarness.RunAsync(["send", "--local", $"{callerPort}", "--remote", $"127.0.0.1:{relay.PortForA}", "--file", page, .. common], timeout);
        var tx = await caller;
        var rx = await answerer;
        await relay.StopAsync();

        Assert.True(tx.Ok, tx.Output);
        Assert.True(rx.Ok, rx.Output);
        var fromCaller = relay.AToB;
        var fromAnswerer = relay.BToA;
        foreach (var log in new[] { fromCaller, fromAnswerer })
        {
            Assert.Empty(log.Problems);
            Assert.Equal(0, log.IfpErrors);
            Assert.Equal(log.Datagrams, log.Statistics.Datagrams);
            Assert.True(log.Statistics.Duplicates > 0, "spandsp repeats indicators; the receiver must drop the copies");
        }

        // Phase A: CNG from the caller, CED then the V.21 preamble from the answerer.
        Assert.Contains(T38Indicator.Cng, fromCaller.Indicators);
        Assert.Equal(T38Indicator.Ced, fromAnswerer.Indicators.First(i => i != T38Indicator.NoSignal));
        Assert.Contains(T38Indicator.V21Preamble, fromAnswerer.Indicators);

        // Phase B: CSI + DIS, then TSI + DCS, TCF at the image rate, CFR.
        var answererFrames = fromAnswerer.FrameTypes();
        var callerFrames = fromCaller.FrameTypes();
        output.WriteLine($"caller: {string.Join(' ', fromCaller.Indicators)} | {string.Join(' ', callerFrames.Where(t => t != T30FrameType.Fcd))} + {callerFrames.Count(t => t == T30FrameType.Fcd)} FCD");
        output.WriteLine($"answerer: {string.Join(' ', fromAnswerer.Indicators)} | {string.Join(' ', answererFrames)}");
        output.WriteLine($"caller stats {fromCaller.Statistics}; answerer stats {fromAnswerer.Statistics}");
        output.WriteLine($"DIS {Convert.ToHexString(fromAnswerer.Frames[1])} DCS {Convert.ToHexString(fromCaller.Frames[1])}");
        Assert.DoesNotContain(T30FrameType.Unknown, answererFrames);
        Assert.DoesNotContain(T30FrameType.Unknown, callerFrames);
        Assert.Equal([T30FrameType.Csi, T30FrameType.Dis], answererFrames.Take(2));
        Assert.Equal([T30FrameType.Tsi, T30FrameType.Dcs], callerFrames.Take(2));
        Assert.Contains(T30FrameType.Cfr, answererFrames);

        var dis = Parse(fromAnswerer.Frames[1]);
        Assert.False(dis.XBit);
        Assert.True(DisFrame.TryParse(dis.Fif, out var disFrame, out _));
        Assert.True(disFrame.ReadyToReceive);
        Assert.Equal(T30ModemSupport.V27ter | T30ModemSupport.V29 | T30ModemSupport.V17, disFrame.Modems);
        Assert.Equal(ecm, disFrame.Ecm);
        Assert.Equal("+1 555 0199", T30Identity.Decode(Parse(fromAnswerer.Frames[0]).Fif));
        Assert.Equal("+1 555 0100", T30Identity.Decode(Parse(fromCaller.Frames[0]).Fif));

        var dcs = Parse(fromCaller.Frames[1]);
        Assert.True(dcs.XBit, "frames from the station that received DIS carry X = 1");
        Assert.True(DcsFrame.TryParse(dcs.Fif, out var dcsFrame, out var dcsError), dcsError.ToString());
        Assert.True(dcsFrame.Receive);
        Assert.Equal(ecm, dcsFrame.Ecm);
        Assert.Equal(T30Resolution.Fine, dcsFrame.Resolution);
        Assert.Equal(T30PageWidth.A4, dcsFrame.Width);
        Assert.Equal(tx["bit_rate"], $"{dcsFrame.Rate.BitRate}");

        // Our negotiation, given spandsp's DIS and spandsp's own capabilities, picks what spandsp picked.
        var spandspCaps = new T30Capabilities { Ecm = ecm, T6 = ecm };
        Assert.True(T30Negotiation.TrySelectDcs(disFrame, spandspCaps, T30Resolution.Fine, T30PageWidth.A4, out var ours, out _));
        Assert.Equal(dcsFrame.Rate, ours.Rate);
        Assert.Equal(dcsFrame.Ecm, ours.Ecm);
        Assert.Equal(dcsFrame.Compression, ours.Compression);
        Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MR, dcsFrame.Compression);

        // TCF (and, without ECM, the page) travel as t4-non-ecm-data at the DCS rate.
        Assert.Contains(T38DataType.V17Rate14400, fromCaller.NonEcmDataTypes);
        if (ecm)
        {
            // Phase C in ECM: FCD frames, then RCP and PPS; the answerer confirms with MCF.
            Assert.Contains(T30FrameType.Fcd, callerFrames);
            Assert.Contains(T30FrameType.Rcp, callerFrames);
            var pps = fromCaller.Frames.Select(f => Parse(f)).Where(f => f.Type == T30FrameType.Pps).Select(f => Pps(f)).ToList();
            Assert.NotEmpty(pps);
            Assert.Equal(T30PostMessage.Eop, pps[^1].PostMessage);
            var fcdCount = fromCaller.Frames.Count(f => Parse(f).Type == T30FrameType.Fcd);
            Assert.True(fcdCount >= pps[^1].FrameCount);
        }
        else
        {
            Assert.True(fromCaller.NonEcmOctets > 10_000, $"page data: {fromCaller.NonEcmOctets} octets");
            Assert.Contains(T30FrameType.Eop, callerFrames);
        }

        // Phase D/E: MCF for the page, DCN from the caller at the end.
        Assert.Contains(T30FrameType.Mcf, answererFrames);
        Assert.Equal(T30FrameType.Dcn, callerFrames[^1]);
    }

    private static ParsedFrame Parse(byte[] frame)
    {
        Assert.True(T30Frame.TryParse(frame, out var f, out var error), $"{error}: {Convert.ToHexString(frame)}");
        return new ParsedFrame(f.Type, f.XBit, f.Fif.ToArray());
    }

    private static PpsFrame Pps(ParsedFrame f)
    {
        Assert.True(PpsFrame.TryParse(f.Fif, out var pps, out var error), error.ToString());
        return pps;
    }

    private sealed record ParsedFrame(T30FrameType Type, bool XBit, byte[] Fif);

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
