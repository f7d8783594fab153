using FaxPost.Core.Storage;
using FaxPost.Storage.Migrations;
using FaxPost.Storage.Postgres;
using FaxPost.Storage.Sql;
using FaxPost.Storage.Sqlite;

namespace FaxPost.Storage;

/// <summary>
/// Builds the store the host uses: "sqlite" (default: one file, &lt;dataDirectory&gt;/faxpost.db, or the
/// file named by a "Data Source=..." connection string) or "postgres" (connection string required).
/// The caller runs <see cref="IPostOfficeStore.MigrateAsync"/> once at start; the returned store
/// is <see cref="IAsyncDisposable"/> (dispose at shutdown to close the connection pool).
/// </summary>
public static class PostOfficeStoreFactory
{
    public const string DatabaseFileName = "faxpost.db";

    public static IPostOfficeStore Create(string provider, string? connectionString, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(dataDirectory);
        switch ((provider ?? "").Trim().ToLowerInvariant())
        {
            case "":
            case "sqlite":
                string path = SqlitePath(connectionString, dataDirectory);
                CreatePrivateFile(path);
                return new SqlPostOfficeStore(new SqliteDialect(path), Migrator.Embedded("Sqlite"));
            case "postgres":
            case "postgresql":
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new ArgumentException(
                        "The postgres store needs a connection string (e.g. \"Host=db;Database=faxpost;Username=faxpost;Password=...\").",
                        nameof(connectionString));
                }

                return new SqlPostOfficeStore(new PostgresDialect(connectionString), Migrator.Embedded("Postgres"));
            default:
                throw new ArgumentException($"Unknown store provider '{provider}': use \"sqlite\" or \"postgres\".", nameof(provider));
        }
    }

    /// <summary>The database holds password hashes and who faxed whom: a new file is readable by its owner only
    /// (SQLite gives its -wal and -shm files the same mode).</summary>
    private static void CreatePrivateFile(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path) || OperatingSystem.IsWindows())
        {
            return;
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            });
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it first.
        }
    }

    private static string SqlitePath(string? connectionString, string dataDirectory)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return Path.Combine(dataDirectory, DatabaseFileName);
        }

        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource) || builder.DataSource == ":memory:")
        {
            throw new ArgumentException("The sqlite connection string must name a database file (\"Data Source=/path/faxpost.db\").", nameof(connectionString));
        }

        return Path.Combine(dataDirectory, builder.DataSource);
    }
}
