using System.Buffers.Binary;
using FaxPost.Fax.T30;
using Xunit.Abstractions;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>Our cores send pages over T.38 to spandsp; the TIFF spandsp writes must equal ours, page by page.</summary>
public sealed class T30SendInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t30tx-").FullName;

    [Theory]
    [InlineData(true, 0, 1)]
    [InlineData(false, 1, 2)]
    public async Task Our_session_faxes_pages_to_spandsp(bool ecm, int version, int pageCount)
    {
        var (page, singles) = SpandspHarness.MakeTestDocument(_dir, pageCount);
        // Page data the way the host will give it: MMR for ECM, MH (with EOLs) without, first bit MSB.
        byte[] Code(int n)
        {
            var coded = Path.Combine(_dir, $"coded{n}.tif");
            var (code, err) = SpandspHarness.Tool("tiffcp", ["-c", ecm ? "g4" : "g3:1d", "-r", "100000", singles[n - 1], coded], "libtiff-tools");
            Assert.True(code == 0, err);
            var data = ReadSingleStrip(coded);
            // T.4 §4.1.4: without ECM, RTC (six EOLs) ends the page.
            return ecm ? data : [.. data, 0x00, 0x10, 0x01, 0x00, 0x10, 0x01, 0x00, 0x10, 0x01];
        }

        var caps = new T30Capabilities { Ecm = ecm, T6 = ecm, TwoDimensional = false };
        using var line = new T38LineLoop(new T30SessionOptions { Direction = T30Direction.Send, LocalIdent = "+49 30 1234567", SubAddress = "99", SenderId = "555", Capabilities = caps }, version)
        {
            PageSource = (n, mode) =>
            {
                Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MH, mode.Compression);
                return (Code(n), n < pageCount);
            },
        };
        var spandspPort = SpandspHarness.FreeUdpPort();
        var received = Path.Combine(_dir, "received.tif");
        var answerer = SpandspHarness.RunAsync(["receive", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{line.Port}", "--file", received, "--version", $"{version}", "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        await line.RunAsync(spandspPort, TimeSpan.FromSeconds(75));
        var rx = await answerer;
        foreach (var a in line.Log)
        {
            output.WriteLine($"{a.Kind} {(a.Kind == T30ActionKind.SendFrames ? string.Join(' ', a.Frames.Select(f => T30Fcf.Identify(f[2]))) : a.Kind is T30ActionKind.SendImage or T30ActionKind.SendImageFrames ? $"{a.Rate} {a.Data.Length + a.Frames.Count}" : "")}");
        }

        output.WriteLine(rx.Output);
        var result = line.Session.Result;
        Assert.NotNull(result);
        Assert.True(result.Success, $"{result.Completion}: {result.Detail}");
        Assert.Equal(pageCount, result.PagesSent);
        Assert.Equal("+1 555 0199", result.RemoteIdent);
        Assert.True(rx.Ok, rx.Output);
        Assert.Equal($"{pageCount}", rx["pages_rx"]);
        Assert.Equal("+49 30 1234567", rx["remote_ident"]);
        Assert.Equal("99", rx["remote_sub"]);
        Assert.Equal("555", rx["remote_sid"]);
        Assert.Equal(ecm ? "1" : "0", rx["ecm"]);
        var (same, diff) = SpandspHarness.Tool("tiffcmp", ["-t", page, received], "libtiff-tools");
        Assert.True(same == 0, $"tiffcmp: {diff}");
    }

    /// <summary>The one strip of a TIFF written by tiffcp with a single strip.</summary>
    private static byte[] ReadSingleStrip(string path)
    {
        var f = File.ReadAllBytes(path);
        Assert.Equal((byte)'I', f[0]);
        var ifd = (int)BinaryPrimitives.ReadUInt32LittleEndian(f.AsSpan(4));
        int count = BinaryPrimitives.ReadUInt16LittleEndian(f.AsSpan(ifd)), offset = -1, length = -1;
        for (var i = 0; i < count; i++)
        {
            var e = f.AsSpan(ifd + 2 + (i * 12));
            var tag = BinaryPrimitives.ReadUInt16LittleEndian(e);
            var type = BinaryPrimitives.ReadUInt16LittleEndian(e[2..]);
            Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(e[4..]) is var n && (tag is 273 or 279) ? n : 1u);
            var value = type == 3 ? BinaryPrimitives.ReadUInt16LittleEndian(e[8..]) : (int)BinaryPrimitives.ReadUInt32LittleEndian(e[8..]);
            if (tag == 273)
            {
                offset = value;
            }
            else if (tag == 279)
            {
                length = value;
            }
        }

        return f.AsSpan(offset, length).ToArray();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
