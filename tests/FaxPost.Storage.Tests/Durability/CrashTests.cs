using System.Diagnostics;
using FaxPost.Core.Storage;
using Microsoft.Data.Sqlite;

namespace FaxPost.Storage.Tests.Durability;

/// <summary>
/// ARCHITECTURE: "durable before acknowledged". A child process writes submissions to SQLite and is
/// killed with SIGKILL in the middle; every submission it reported as committed must be there after
/// reopening, and the database must pass SQLite's integrity check.
/// </summary>
public sealed class CrashTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faxpost-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Every_reported_write_survives_a_kill_9_and_the_database_stays_intact()
    {
        var reported = new List<(long Group, int N)>();
        // Two rounds: the second writer starts on the database the first was killed over (recovery).
        for (int round = 0; round < 2; round++)
        {
            reported.AddRange(await RunAndKillAsync(killAfter: 150 + (round * 100)));
        }

        var store = PostOfficeStoreFactory.Create("sqlite", null, _directory);
        try
        {
            Assert.Equal(Migrations.Migrator.Embedded("Sqlite")[^1].Version, await store.MigrateAsync(CancellationToken.None));
            foreach (var (group, n) in reported)
            {
                var job = await store.Jobs.GetAsync(group, CancellationToken.None);
                Assert.True(job is not null, $"submission {n} (job {group}) was reported committed but is gone");
                Assert.Equal(n.ToString(System.Globalization.CultureInfo.InvariantCulture), job.Destination);
                Assert.Single(await store.Jobs.DocumentsAsync(group, CancellationToken.None));
                Assert.Single(await store.Jobs.EventsAsync(group, CancellationToken.None));
            }

            // At most one submission per round was committed without being reported (killed in between).
            var all = await store.Jobs.QueryAsync(new JobQuery(Limit: 100_000), CancellationToken.None);
            Assert.InRange(all.Count, reported.Count, reported.Count + 2);
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(_directory, PostOfficeStoreFactory.DatabaseFileName)};Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string?)await cmd.ExecuteScalarAsync());
        cmd.CommandText = "PRAGMA foreign_key_check";
        Assert.Null(await cmd.ExecuteScalarAsync());
    }

    private async Task<List<(long Group, int N)>> RunAndKillAsync(int killAfter)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(CrashWriter).Assembly.Location);
        start.ArgumentList.Add("crash-writer");
        start.ArgumentList.Add(_directory);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the crash writer");
        var errors = process.StandardError.ReadToEndAsync();
        var lines = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            while (lines.Count < killAfter && await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                lines.Add(line);
            }
        }
        finally
        {
            process.Kill(); // SIGKILL on Unix: no finalizers, no flushing, no clean close of the database
            await process.WaitForExitAsync(CancellationToken.None);
        }

        // Lines already in the pipe were printed after their commit too; a last unterminated one is not a promise.
        string rest = await process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var tail = rest.Split('\n');
        lines.AddRange(tail[..^1]);
        Assert.True(lines.Count > 10, $"the crash writer wrote too little before it was killed: {string.Join(" | ", lines)} {await errors}");

        return lines
            .Where(l => l.StartsWith("committed ", StringComparison.Ordinal))
            .Select(l => l.Split(' '))
            .Select(p => (long.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture)))
            .ToList();
    }
}
