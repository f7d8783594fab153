using System.Data.Common;
using FaxPost.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace FaxPost.Storage.Sqlite;

/// <summary>
/// SQLite in one file: WAL journal with synchronous=FULL so that a committed transaction survives a
/// killed process and a power loss; foreign keys on; a busy timeout so concurrent writers wait for
/// each other instead of failing. Timestamps are INTEGER milliseconds since the Unix epoch (UTC).
/// </summary>
internal sealed class SqliteDialect : SqlDialect
{
    private readonly string _connectionString;
    private int _walChecked;

    public SqliteDialect(string databasePath)
    {
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            ForeignKeys = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    public string DatabasePath { get; }

    public override string Name => "sqlite";

    // SQLite's LIKE is case-insensitive (for ASCII letters) already.
    public override string ILike => "LIKE";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct).ConfigureAwait(false);
            using var cmd = connection.CreateCommand();
            // journal_mode is stored in the file; set it once per store. synchronous and busy_timeout are per connection.
            cmd.CommandText = Interlocked.Exchange(ref _walChecked, 1) == 0
                ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;"
                : "PRAGMA synchronous=FULL; PRAGMA busy_timeout=10000;";
            await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public override object Time(DateTimeOffset value) => Truncate(value).ToUnixTimeMilliseconds();

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(ordinal));

    // SQLITE_CONSTRAINT_UNIQUE (2067) and SQLITE_CONSTRAINT_PRIMARYKEY (1555).
    public override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteExtendedErrorCode: 2067 or 1555 };

    // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default) already holds the write lock.
    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct) =>
        Task.CompletedTask;

    public override ValueTask DisposeAsync()
    {
        // Close pooled handles so the file can be moved or deleted after the store is gone.
        using (var connection = new SqliteConnection(_connectionString))
        {
            SqliteConnection.ClearPool(connection);
        }

        return ValueTask.CompletedTask;
    }
}
