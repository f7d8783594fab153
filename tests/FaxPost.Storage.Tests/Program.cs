namespace FaxPost.Storage.Tests;

/// <summary>
/// The test assembly doubles as a small program so tests can run code in a child process that they
/// then kill (<c>dotnet FaxPost.Storage.Tests.dll crash-writer &lt;dir&gt;</c>). The test runner
/// itself never calls Main.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["crash-writer", var directory])
        {
            await Durability.CrashWriter.RunAsync(directory);
            return 0;
        }

        await Console.Error.WriteLineAsync("usage: FaxPost.Storage.Tests crash-writer <data-directory>");
        return 2;
    }
}
