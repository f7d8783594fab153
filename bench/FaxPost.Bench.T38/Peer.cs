using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace FaxPost.Bench.T38;

/// <summary>The spandsp harness (tests/interop/spandsp_t38) and the test document, for the benchmarks.</summary>
internal static partial class Peer
{
    public static string Root { get; } = FindRoot();

    public static string Harness { get; } = Build();

    /// <summary>A G3 fine TIFF of <paramref name="pages"/> different pages, rendered by Ghostscript.</summary>
    public static string Document(string dir, int pages)
    {
        var ps = Path.Combine(dir, "doc.ps");
        using (var w = new StreamWriter(ps))
        {
            w.WriteLine("%!PS\n/Helvetica findfont 24 scalefont setfont");
            for (var n = 1; n <= pages; n++)
            {
                w.WriteLine($"72 720 moveto (FaxPost T.38 benchmark, page {n} of {pages}) show");
                w.WriteLine("72 680 moveto (The quick brown fox jumps over the lazy dog 0123456789) show");
                w.WriteLine($"newpath 72 600 moveto 540 600 lineto 540 {560 - (n * 11)} lineto {72 + (n * 7)} 120 lineto closepath 4 setlinewidth stroke");
                w.WriteLine($"{100 + (n * 13)} 400 {20 + n} 0 360 arc fill showpage");
            }
        }

        var tif = Path.Combine(dir, "doc.tif");
        var (code, output) = Run("gs", ["-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=tiffg3", "-r204x196", "-g1728x2156", $"-sOutputFile={tif}", ps]);
        return code == 0 ? tif : throw new InvalidOperationException($"gs failed (apt-get install ghostscript): {output}");
    }

    public static int FreeUdpPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }

    /// <summary>Runs the harness to the end; returns its PHASE_E fields (ok, pages_*, cpu_us, ...).</summary>
    public static async Task<Dictionary<string, string>> RunAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Harness) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        await p.WaitForExitAsync();
        var line = (await stdout).Split('\n').FirstOrDefault(l => l.StartsWith("PHASE_E ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"spandsp_t38 printed no result: {await stderr}");
        return Field().Matches(line).ToDictionary(m => m.Groups[1].Value, m => m.Groups[3].Success ? m.Groups[3].Value : m.Groups[2].Value);
    }

    [GeneratedRegex("""(\w+)=("([^"]*)"|\S+)""")]
    private static partial Regex Field();

    private static string Build()
    {
        var (code, output) = Run("bash", [Path.Combine(Root, "tests", "interop", "build.sh")]);
        return code == 0 ? output.Trim().Split('\n')[^1] : throw new InvalidOperationException($"tests/interop/build.sh failed (apt-get install gcc pkg-config libspandsp-dev libtiff-dev): {output}");
    }

    private static (int, string) Run(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var o = p.StandardOutput.ReadToEndAsync();
        var e = p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, o.Result + e);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "FaxPost.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("FaxPost.slnx not found above " + AppContext.BaseDirectory);
    }
}
