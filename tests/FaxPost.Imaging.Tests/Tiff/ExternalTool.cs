using System.Diagnostics;

namespace FaxPost.Imaging.Tests.Tiff;

/// <summary>
/// Runs the real tools the imaging tests compare against (libtiff-tools, ghostscript, poppler-utils,
/// netpbm; installed by scripts/lib/deps.sh install_test_deps). A missing tool fails the test loudly.
/// </summary>
internal static class ExternalTool
{
    private static readonly Dictionary<string, string> Packages = new()
    {
        ["tiffcp"] = "libtiff-tools", ["tiffinfo"] = "libtiff-tools", ["tiffcmp"] = "libtiff-tools", ["tiffset"] = "libtiff-tools",
        ["gs"] = "ghostscript", ["pdftoppm"] = "poppler-utils", ["pdfinfo"] = "poppler-utils",
        ["pnmtotiff"] = "netpbm", ["pngtopnm"] = "netpbm",
    };

    public sealed record Result(int ExitCode, byte[] Stdout, string Stderr)
    {
        public string Text => System.Text.Encoding.UTF8.GetString(Stdout);
    }

    /// <summary>Runs <paramref name="tool"/>; asserts exit code 0 unless <paramref name="check"/> is false.</summary>
    public static Result Run(string tool, IEnumerable<string> args, string? workDir = null, bool check = true)
    {
        string? path = Environment.GetEnvironmentVariable("PATH")?.Split(':')
            .Select(d => Path.Combine(d, tool)).FirstOrDefault(File.Exists);
        if (path is null)
        {
            Packages.TryGetValue(tool, out string? package);
            Assert.Fail($"The test needs '{tool}' (Debian package {package ?? "?"}); run scripts/test.sh or apt-get install it.");
        }

        var psi = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Path.GetTempPath(),
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using Process p = Process.Start(psi)!;
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        using var stdout = new MemoryStream();
        p.StandardOutput.BaseStream.CopyTo(stdout);
        if (!p.WaitForExit(120_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail($"{tool} did not finish in 120 s");
        }

        var result = new Result(p.ExitCode, stdout.ToArray(), stderr.Result);
        if (check && result.ExitCode != 0)
        {
            Assert.Fail($"{tool} {string.Join(' ', args)} exited with {result.ExitCode}: {result.Stderr}");
        }

        return result;
    }

    public static Result Run(string tool, params string[] args) => Run(tool, (IEnumerable<string>)args);
}

/// <summary>A temporary directory removed when the test ends.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "faxpost-img-" + Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
