using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FaxPost.Fax.Tests.Interop;

/// <summary>
/// Builds and runs tests/interop/spandsp_t38 (Debian's libspandsp as the far-end fax machine).
/// Missing tools are a test failure with the package to install, never a silent skip.
/// </summary>
internal static partial class SpandspHarness
{
    private static readonly Lazy<string> Binary = new(Build);

    public static string RepoRoot { get; } = FindRoot();

    public static string Path => Binary.Value;

    /// <summary>One-page G3 TIFF (1728 wide, fine) made by Ghostscript from a small PostScript page.</summary>
    public static string MakeTestPage(string dir, int number = 1)
    {
        var ps = System.IO.Path.Combine(dir, $"page{number}.ps");
        File.WriteAllText(ps, $$"""
            %!PS
            /Helvetica findfont 24 scalefont setfont
            72 720 moveto (FaxPost interop test page {{number}}) show
            72 680 moveto (spandsp T.38 over UDPTL) show
            newpath 72 600 moveto 540 600 lineto 540 {{300 - (number * 40)}} lineto 72 300 lineto closepath 4 setlinewidth stroke
            showpage
            """);
        var tif = System.IO.Path.Combine(dir, number == 1 ? "page.tif" : $"page{number}.tif");
        var (code, _, err) = Run("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg3", "-r204x196", "-g1728x2156", $"-sOutputFile={tif}", ps]);
        Assert.True(code == 0 && File.Exists(tif), $"Ghostscript could not make the test page (apt-get install ghostscript): {err}");
        return tif;
    }

    /// <summary>
    /// A G3 TIFF of <paramref name="pages"/> different pages (1728 wide, fine 204 x 196 or standard
    /// 204 x 98 dpi) made by one Ghostscript run; every page shows its number and a different shape.
    /// </summary>
    public static string MakeDocument(string dir, int pages, bool fine)
    {
        var name = $"doc-{pages}-{(fine ? "fine" : "std")}";
        var ps = System.IO.Path.Combine(dir, name + ".ps");
        var text = new System.Text.StringBuilder("%!PS\n/Helvetica findfont 24 scalefont setfont\n");
        for (var n = 1; n <= pages; n++)
        {
            text.Append(System.FormattableString.Invariant($$"""
                72 720 moveto (FaxPost interop document, page {{n}} of {{pages}}) show
                72 680 moveto ({{(fine ? "fine" : "standard")}} resolution, spandsp T.38 over UDPTL) show
                newpath 72 600 moveto 540 600 lineto 540 {{560 - (n * 23)}} lineto {{72 + (n * 11)}} 120 lineto closepath 4 setlinewidth stroke
                {{100 + (n * 20)}} 400 {{20 + n}} 0 360 arc fill
                showpage

                """));
        }

        File.WriteAllText(ps, text.ToString());
        var tif = System.IO.Path.Combine(dir, name + ".tif");
        var (code, _, err) = Run("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg3", fine ? "-r204x196" : "-r204x98", fine ? "-g1728x2156" : "-g1728x1078", $"-sOutputFile={tif}", ps]);
        Assert.True(code == 0 && File.Exists(tif), $"Ghostscript could not make the test document (apt-get install ghostscript): {err}");
        return tif;
    }

    /// <summary>Runs a Debian tool; a missing tool fails the test with the package to install.</summary>
    public static (int Code, string Output) Tool(string file, string[] args, string package)
    {
        var (code, output, err) = Run(file, args);
        Assert.False(code == -1, $"{file} is missing (apt-get install {package}): {err}");
        return (code, output + err);
    }

    /// <summary>A document of <paramref name="pages"/> pages: the file spandsp sends, and each page on its own.</summary>
    public static (string Document, string[] Pages) MakeTestDocument(string dir, int pages)
    {
        var single = Enumerable.Range(1, pages).Select(n => MakeTestPage(dir, n)).ToArray();
        if (pages == 1)
        {
            return (single[0], single);
        }

        var doc = System.IO.Path.Combine(dir, "document.tif");
        var (code, output) = Tool("tiffcp", [.. single, doc], "libtiff-tools");
        Assert.True(code == 0, output);
        return (doc, single);
    }

    /// <summary>
    /// A UDP port for a process that binds it later (the harness). Taken below the kernel's ephemeral
    /// range (32768 up), so our own sockets bound to port 0 cannot grab it in between — with many
    /// calls at once that happened ("bind: Address already in use"). Each test process walks the range
    /// from its own random start; a port is handed out only if it binds now.
    /// </summary>
    public static int FreeUdpPort()
    {
        for (int tries = 0; tries < PortRange; tries++)
        {
            int port = PortBase + (int)((uint)Interlocked.Increment(ref _nextPort) % PortRange);
            try
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                s.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // in use: try the next one
            }
        }

        throw new InvalidOperationException($"no free UDP port in {PortBase}-{PortBase + PortRange - 1}");
    }

    private const int PortBase = 20000;
    private const int PortRange = 12000;
    private static int _nextPort = Random.Shared.Next(PortRange);

    /// <summary>Starts the harness; the task completes with its exit code and parsed PHASE_E line.</summary>
    public static async Task<HarnessResult> RunAsync(string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(Path) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        var output = await stdout;
        return new HarnessResult(process.ExitCode, Parse(output), output + await stderr);
    }

    private static Dictionary<string, string> Parse(string output)
    {
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("PHASE_E ", StringComparison.Ordinal)) ?? "";
        return FieldPattern().Matches(line).ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Success ? m.Groups[3].Value : m.Groups[2].Value);
    }

    [GeneratedRegex("""(\w+)=("([^"]*)"|\S+)""")]
    private static partial Regex FieldPattern();

    private static string Build()
    {
        var script = System.IO.Path.Combine(RepoRoot, "tests", "interop", "build.sh");
        var (code, output, err) = Run("bash", [script]);
        Assert.True(code == 0, $"tests/interop/build.sh failed (apt-get install gcc pkg-config libspandsp-dev libtiff-dev): {err}");
        return output.Trim().Split('\n')[^1];
    }

    private static (int Code, string Out, string Err) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        try
        {
            using var p = Process.Start(psi)!;
            var o = p.StandardOutput.ReadToEndAsync();
            var e = p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, o.Result, e);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, "", $"{file}: {ex.Message}");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "FaxPost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FaxPost.slnx not found above " + AppContext.BaseDirectory);
    }
}

internal sealed record HarnessResult(int ExitCode, Dictionary<string, string> PhaseE, string Output)
{
    public bool Ok => ExitCode == 0 && PhaseE.GetValueOrDefault("ok") == "1";

    public string this[string key] => PhaseE.TryGetValue(key, out var v) ? v : throw new KeyNotFoundException($"{key} not in PHASE_E line: {Output}");
}
