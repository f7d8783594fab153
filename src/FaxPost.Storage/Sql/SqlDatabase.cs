using System.Data.Common;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

/// <summary>Runs one store operation in its own session: reads without, writes within one transaction.</summary>
internal sealed class SqlDatabase(SqlDialect dialect)
{
    public SqlDialect Dialect => dialect;

    public async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> work, CancellationToken ct)
    {
        var session = await SqlSession.OpenAsync(dialect, write: false, ct).ConfigureAwait(false);
        await using (session.ConfigureAwait(false))
        {
            return await work(session).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="work"/> in a transaction and commits it; anything thrown rolls it back.
    /// A UNIQUE violation becomes a <see cref="DuplicateException"/> with <paramref name="duplicate"/>'s message.</summary>
    public async Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> work, CancellationToken ct, Func<string>? duplicate = null)
    {
        try
        {
            var session = await SqlSession.OpenAsync(dialect, write: true, ct).ConfigureAwait(false);
            await using (session.ConfigureAwait(false))
            {
                var result = await work(session).ConfigureAwait(false);
                await session.CommitAsync(ct).ConfigureAwait(false);
                return result;
            }
        }
        catch (DbException e) when (duplicate is not null && dialect.IsUniqueViolation(e))
        {
            throw new DuplicateException(duplicate());
        }
    }

    public Task WriteAsync(Func<SqlSession, Task> work, CancellationToken ct) =>
        WriteAsync(
            async s =>
            {
                await work(s).ConfigureAwait(false);
                return true;
            },
            ct);
}
