using System.Diagnostics;

namespace FaxPost.Imaging.Tests.Codecs;

/// <summary>Runs libtiff's command-line tools (Debian libtiff-tools, installed by scripts/lib/deps.sh).</summary>
internal static class LibTiffTool
{
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        string path = $"/usr/bin/{tool}";
        if (!System.IO.File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: install Debian libtiff-tools (scripts/lib/deps.sh install_test_deps).");
        }

        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(20_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    public static string TempDirectory()
    {
        string directory = Path.Combine(Path.GetTempPath(), "faxpost-codecs-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        return directory;
    }
}
