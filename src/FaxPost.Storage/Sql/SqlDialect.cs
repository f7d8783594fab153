using System.Data.Common;

namespace FaxPost.Storage.Sql;

/// <summary>
/// What differs between the SQL databases behind <see cref="SqlPostOfficeStore"/>: how a connection is
/// opened, how timestamps are stored, case-insensitive LIKE, unique-violation detection and the
/// schema scripts. Everything else (queries, upserts with ON CONFLICT, RETURNING) is shared SQL.
/// </summary>
internal abstract class SqlDialect : IAsyncDisposable
{
    /// <summary>Name of the migration folder ("sqlite", "postgres").</summary>
    public abstract string Name { get; }

    /// <summary>The case-insensitive LIKE operator.</summary>
    public abstract string ILike { get; }

    /// <summary>Opens a connection ready for use (pragmas set, from the pool).</summary>
    public abstract ValueTask<DbConnection> OpenAsync(CancellationToken ct);

    /// <summary>Parameter value for a timestamp: UTC, truncated to the millisecond.</summary>
    public abstract object Time(DateTimeOffset value);

    public object Time(DateTimeOffset? value) => value is { } v ? Time(v) : DBNull.Value;

    public abstract DateTimeOffset ReadTime(DbDataReader reader, int ordinal);

    public DateTimeOffset? ReadTimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : ReadTime(reader, ordinal);

    /// <summary>True when the exception is a UNIQUE constraint violation.</summary>
    public abstract bool IsUniqueViolation(DbException exception);

    /// <summary>Serialises migrations between processes (several nodes starting at once) inside the transaction.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct);

    public abstract ValueTask DisposeAsync();

    /// <summary>UTC, whole milliseconds: the precision both databases keep, so both behave alike.</summary>
    protected static DateTimeOffset Truncate(DateTimeOffset value)
    {
        long ticks = value.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
    }
}
