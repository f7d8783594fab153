using FaxPost.Core.Storage;
using FaxPost.Storage.Migrations;
using FaxPost.Storage.Sql;

namespace FaxPost.Storage.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IPostOfficeStore"/> must have. Runs once per database (SQLite,
/// PostgreSQL) through the derived classes; each test starts from an empty, migrated store.
/// </summary>
public abstract partial class PostOfficeStoreContract : IAsyncLifetime
{
    private readonly List<SqlPostOfficeStore> _opened = [];

    protected static CancellationToken Ct => CancellationToken.None;

    protected IPostOfficeStore Store { get; private set; } = null!;

    /// <summary>A store on this test's database (the same database on every call), not yet migrated.</summary>
    private protected abstract SqlPostOfficeStore Open(IReadOnlyList<Migration> migrations);

    private protected abstract string DialectFolder { get; }

    private protected SqlPostOfficeStore OpenTracked(IReadOnlyList<Migration>? migrations = null)
    {
        var store = Open(migrations ?? Migrator.Embedded(DialectFolder));
        _opened.Add(store);
        return store;
    }

    public virtual async Task InitializeAsync()
    {
        Store = OpenTracked();
        Assert.Equal(Migrator.Embedded(DialectFolder)[^1].Version, await Store.MigrateAsync(Ct));
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }
    }
}
