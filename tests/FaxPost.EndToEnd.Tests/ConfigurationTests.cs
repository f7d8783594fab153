using System.Diagnostics;

namespace FaxPost.EndToEnd.Tests;

/// <summary>The server refuses to start on a bad setting and names it (issue 2 item 2).</summary>
public sealed class ConfigurationTests
{
    private static async Task<(int Exit, string Output)> ServeAsync(Dictionary<string, string> environment, string? configFile = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerProcess.Sibling("FaxPost.Cli", "faxpost.dll"));
        info.ArgumentList.Add("serve");
        if (configFile is not null)
        {
            info.ArgumentList.Add("--config");
            info.ArgumentList.Add(configFile);
        }

        info.Environment["FAXPOST__DataDirectory"] = Path.Combine(Path.GetTempPath(), "faxpost-config-" + Guid.NewGuid().ToString("N"));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(cts.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Theory]
    [InlineData("FAXPOST__Lines__Total", "0", "Lines:Total")]
    [InlineData("FAXPOST__Lines__ReservedInbound", "9", "Lines:ReservedInbound")]
    [InlineData("FAXPOST__Database__Provider", "oracle", "Database:Provider")]
    [InlineData("FAXPOST__Numbering__AreaCode", "089", "leading zeros")]
    [InlineData("FAXPOST__Lines__Total", "many", "wrong kind")]
    public async Task A_wrong_setting_stops_the_server_with_its_name(string key, string value, string expected)
    {
        var (exit, output) = await ServeAsync(new() { [key] = value });

        Assert.Equal(2, exit);
        Assert.Contains(expected, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_configuration_file_is_named()
    {
        string file = Path.Combine(Path.GetTempPath(), $"faxpost-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{ \"Lines\": { \"Total\": 4, ");
        try
        {
            var (exit, output) = await ServeAsync([], file);

            Assert.Equal(2, exit);
            Assert.Contains(file, output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
