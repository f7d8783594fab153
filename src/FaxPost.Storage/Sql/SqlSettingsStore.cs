using FaxPost.Core.Storage;

namespace FaxPost.Storage.Sql;

internal sealed class SqlSettingsStore(SqlDatabase db) : ISettingsStore
{
    public Task<string?> GetAsync(string key, CancellationToken ct) =>
        db.ReadAsync(s => s.Sql("SELECT value FROM settings WHERE key = @k").With("@k", key).ScalarAsync<string>(ct), ct);

    public Task SetAsync(string key, string value, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        return db.WriteAsync(
            s => s.Sql("INSERT INTO settings (key, value) VALUES (@k, @v) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
                .With("@k", key)
                .With("@v", value)
                .ExecuteAsync(ct),
            ct);
    }
}
