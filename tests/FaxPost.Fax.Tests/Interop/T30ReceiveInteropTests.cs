using FaxPost.Fax.T30;
using Xunit.Abstractions;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>spandsp sends pages over T.38; our cores (UDPTL, IFP, T38Terminal, T30Session) receive them.</summary>
public sealed class T30ReceiveInteropTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("faxpost-t30rx-").FullName;

    [Theory]
    [InlineData(true, 0, 2)]
    [InlineData(false, 2, 1)]
    public async Task Spandsp_faxes_pages_to_our_session(bool ecm, int version, int pageCount)
    {
        var (page, singles) = SpandspHarness.MakeTestDocument(_dir, pageCount);
        using var line = new T38LineLoop(new T30SessionOptions { LocalIdent = "+49 30 1234567" }, version);
        var spandspPort = SpandspHarness.FreeUdpPort();
        var sender = SpandspHarness.RunAsync(["send", "--local", $"{spandspPort}", "--remote", $"127.0.0.1:{line.Port}", "--file", page, "--version", $"{version}", "--sub", "4711", "--sid", "0815", "--timeout", "70", .. ecm ? Array.Empty<string>() : ["--no-ecm"]], TimeSpan.FromSeconds(80));
        await line.RunAsync(spandspPort, TimeSpan.FromSeconds(75));
        var tx = await sender;
        foreach (var a in line.Log.Where(a => a.Kind is not T30ActionKind.PageData))
        {
            output.WriteLine($"{a.Kind} {(a.Kind == T30ActionKind.SendFrames ? string.Join(' ', a.Frames.Select(f => T30Fcf.Identify(f[2]))) : a.Kind == T30ActionKind.Listen ? $"{a.Listen} {a.Rate}" : "")}");
        }

        output.WriteLine(tx.Output);
        Assert.Empty(line.Rejected);
        Assert.True(tx.Ok, tx.Output);
        Assert.Equal("+49 30 1234567", tx["remote_ident"]);
        var result = line.Session.Result;
        Assert.NotNull(result);
        Assert.True(result.Success, $"{result.Completion}: {result.Detail}");
        Assert.Equal(pageCount, result.PagesReceived);
        Assert.Equal("+1 555 0100", result.RemoteIdent);
        Assert.Equal("4711", result.RemoteSubAddress);
        Assert.Equal("0815", result.RemoteSenderId);
        Assert.Equal(0, line.IfpErrors);
        Assert.Equal(pageCount, line.Pages.Count);
        for (var i = 0; i < pageCount; i++)
        {
            var received = line.Pages[i];
            Assert.Equal(i + 1, received.Page);
            Assert.True(received.Accepted);
            Assert.Equal(ecm, received.Mode.Ecm);
            Assert.Equal(ecm ? T30Compression.MMR : T30Compression.MR, received.Mode.Compression);
            Assert.True(received.Data.Length > 1000, $"{received.Data.Length} octets");

            // Each page decodes (libtiff) to exactly the image spandsp read from the TIFF it sent.
            var got = Path.Combine(_dir, $"received{i + 1}.tif");
            FaxTiff.Write(got, received.Data.ToArray(), 1728, 2156, t6: ecm, twoDimensional: true, lsbFirst: false);
            var (code, diff) = SpandspHarness.Tool("tiffcmp", ["-t", singles[i], got], "libtiff-tools");
            Assert.True(code == 0, $"page {i + 1}: tiffcmp: {diff}");
        }

    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
