using System.Data.Common;
using FaxPost.Storage.Sql;
using Npgsql;

namespace FaxPost.Storage.Postgres;

/// <summary>
/// PostgreSQL for several nodes sharing one database: connections come from one NpgsqlDataSource
/// (its pool); timestamps are timestamptz; migrations take an advisory lock so that nodes starting
/// together apply each script once.
/// </summary>
internal sealed class PostgresDialect : SqlDialect
{
    // Arbitrary constant naming FaxPost's migration lock ("FAXPOST" in ASCII).
    private const long MigrationLockKey = 0x4641_5850_4F53_54;

    private readonly NpgsqlDataSource _dataSource;

    public PostgresDialect(string connectionString)
    {
        _dataSource = NpgsqlDataSource.Create(connectionString);
    }

    public override string Name => "postgres";

    public override string ILike => "ILIKE";

    public override async ValueTask<DbConnection> OpenAsync(CancellationToken ct) =>
        await _dataSource.OpenConnectionAsync(ct).ConfigureAwait(false);

    // Npgsql writes a DateTimeOffset to timestamptz only with offset zero.
    public override object Time(DateTimeOffset value) => Truncate(value);

    public override DateTimeOffset ReadTime(DbDataReader reader, int ordinal) =>
        reader.GetFieldValue<DateTimeOffset>(ordinal);

    public override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct)
    {
        await using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = $"SELECT pg_advisory_xact_lock({MigrationLockKey})";
        await cmd.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
