using System.Globalization;
using System.Reflection;
using FaxPost.Storage.Sql;

namespace FaxPost.Storage.Migrations;

/// <summary>
/// Applies the missing numbered scripts in order, each in its own transaction together with its row
/// in schema_version, so a failed script leaves the database at the previous version. Running it again
/// applies nothing (idempotent); several processes may run it at once (the dialect's lock).
/// </summary>
internal sealed class Migrator(SqlDialect dialect, IReadOnlyList<Migration> migrations, TimeProvider time)
{
    private const string CreateVersionTable =
        "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at text NOT NULL)";

    public int LatestVersion => migrations.Count == 0 ? 0 : migrations[^1].Version;

    /// <summary>The scripts embedded for one dialect ("Migrations/Sqlite/0001_initial.sql"), in version order.</summary>
    public static IReadOnlyList<Migration> Embedded(string dialectFolder)
    {
        var assembly = typeof(Migrator).Assembly;
        string prefix = $"FaxPost.Storage.Migrations.{dialectFolder}/";
        var list = new List<Migration>();
        foreach (string resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            string file = resource[prefix.Length..^".sql".Length];
            int underscore = file.IndexOf('_', StringComparison.Ordinal);
            if (underscore <= 0 || !int.TryParse(file.AsSpan(0, underscore), NumberStyles.None, CultureInfo.InvariantCulture, out int version))
            {
                throw new InvalidOperationException($"Migration resource '{resource}' is not named <number>_<name>.sql.");
            }

            list.Add(new Migration(version, file[(underscore + 1)..], Read(assembly, resource)));
        }

        return Ordered(list);
    }

    /// <summary>Sorts and checks that versions run 1, 2, 3, ... without gaps or repeats.</summary>
    public static IReadOnlyList<Migration> Ordered(IEnumerable<Migration> migrations)
    {
        var list = migrations.OrderBy(m => m.Version).ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migrations must be numbered 1, 2, 3, ... without gaps; found {list[i].Version} at position {i + 1}.");
            }
        }

        return list;
    }

    public async Task<int> CurrentVersionAsync(CancellationToken ct)
    {
        var session = await SqlSession.OpenAsync(dialect, write: true, ct).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            await dialect.LockForMigrationAsync(session.Connection, session.Transaction!, ct).ConfigureAwait(false);
            await session.Sql(CreateVersionTable).ExecuteAsync(ct).ConfigureAwait(false);
            int version = await session.Sql("SELECT COALESCE(MAX(version), 0) FROM schema_version").ScalarAsync<int>(ct).ConfigureAwait(false);
            await session.CommitAsync(ct).ConfigureAwait(false);
            return version;
        }
    }

    public async Task<int> MigrateAsync(CancellationToken ct)
    {
        while (true)
        {
            var session = await SqlSession.OpenAsync(dialect, write: true, ct).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                await dialect.LockForMigrationAsync(session.Connection, session.Transaction!, ct).ConfigureAwait(false);
                await session.Sql(CreateVersionTable).ExecuteAsync(ct).ConfigureAwait(false);
                // Read under the lock: another node may have migrated while we waited.
                int current = await session.Sql("SELECT COALESCE(MAX(version), 0) FROM schema_version").ScalarAsync<int>(ct).ConfigureAwait(false);
                if (current > LatestVersion)
                {
                    throw new InvalidOperationException(
                        $"The database has schema version {current}, newer than this FaxPost knows ({LatestVersion}); upgrade FaxPost or use another database.");
                }

                if (current == LatestVersion)
                {
                    await session.CommitAsync(ct).ConfigureAwait(false);
                    return current;
                }

                var next = migrations[current];
                await session.Sql(next.Sql).ExecuteAsync(ct).ConfigureAwait(false);
                await session.Sql("INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @at)")
                    .With("@v", next.Version)
                    .With("@n", next.Name)
                    .With("@at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture))
                    .ExecuteAsync(ct).ConfigureAwait(false);
                await session.CommitAsync(ct).ConfigureAwait(false);
            }
        }
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Missing resource {resource}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
