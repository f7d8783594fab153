using System.Data.Common;

namespace FaxPost.Storage.Sql;

/// <summary>
/// One connection (and, for writes, one transaction) for the length of one store operation.
/// Connections come from the provider's pool, so the store is safe for many concurrent requests.
/// </summary>
internal sealed class SqlSession : IAsyncDisposable
{
    private readonly DbConnection _connection;
    private DbTransaction? _transaction;

    private SqlSession(SqlDialect dialect, DbConnection connection, DbTransaction? transaction)
    {
        Dialect = dialect;
        _connection = connection;
        _transaction = transaction;
    }

    public SqlDialect Dialect { get; }

    public static async Task<SqlSession> OpenAsync(SqlDialect dialect, bool write, CancellationToken ct)
    {
        var connection = await dialect.OpenAsync(ct).ConfigureAwait(false);
        try
        {
            // SQLite: BEGIN IMMEDIATE (takes the write lock up front, so no deadlock on lock upgrade).
            var transaction = write ? await connection.BeginTransactionAsync(ct).ConfigureAwait(false) : null;
            return new SqlSession(dialect, connection, transaction);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public DbConnection Connection => _connection;

    public DbTransaction? Transaction => _transaction;

    public SqlCommand Sql(string text)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _transaction;
        cmd.CommandText = text;
        return new SqlCommand(cmd, Dialect);
    }

    public async Task CommitAsync(CancellationToken ct)
    {
        if (_transaction is null)
        {
            throw new InvalidOperationException("This session has no transaction.");
        }

        await _transaction.CommitAsync(ct).ConfigureAwait(false);
        await _transaction.DisposeAsync().ConfigureAwait(false);
        _transaction = null;
    }

    /// <summary>Rolls back whatever was not committed and returns the connection to the pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_transaction is not null)
        {
            await _transaction.DisposeAsync().ConfigureAwait(false);
            _transaction = null;
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
