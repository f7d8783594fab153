using FaxPost.Core.Storage;
using FaxPost.Storage.Migrations;
using FaxPost.Storage.Tests.Postgres;
using Microsoft.Data.Sqlite;

namespace FaxPost.Storage.Tests.Contract;

public sealed class FactoryTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faxpost-factory-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("SQLite")]
    [InlineData("")]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Sqlite_is_the_default_and_lives_in_the_data_directory(string provider)
    {
        string data = Path.Combine(_directory, "data");
        var store = PostOfficeStoreFactory.Create(provider, null, data);
        try
        {
            Assert.Equal(Migrator.Embedded("Sqlite")[^1].Version, await store.MigrateAsync(CancellationToken.None));
            await store.Settings.SetAsync("k", "v", CancellationToken.None);
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }

        Assert.True(File.Exists(Path.Combine(data, "faxpost.db")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(data, "faxpost.db")));
        var reopened = PostOfficeStoreFactory.Create(provider, null, data);
        Assert.Equal("v", await reopened.Settings.GetAsync("k", CancellationToken.None));
        await ((IAsyncDisposable)reopened).DisposeAsync();
    }

    [Fact]
    public async Task A_sqlite_connection_string_names_the_file_relative_to_the_data_directory()
    {
        var store = PostOfficeStoreFactory.Create("sqlite", "Data Source=other.db", _directory);
        await store.MigrateAsync(CancellationToken.None);
        await ((IAsyncDisposable)store).DisposeAsync();

        Assert.True(File.Exists(Path.Combine(_directory, "other.db")));
        Assert.Throws<ArgumentException>(() => PostOfficeStoreFactory.Create("sqlite", "Data Source=:memory:", _directory));
    }

    [Fact]
    public void Postgres_needs_a_connection_string_and_unknown_providers_are_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PostOfficeStoreFactory.Create("postgres", null, _directory));
        Assert.Contains("connection string", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => PostOfficeStoreFactory.Create("oracle", null, _directory));
        Assert.Contains("oracle", e.Message, StringComparison.Ordinal);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresFactoryTests(PostgresServer server)
{
    [Fact]
    public async Task Postgres_store_from_the_factory_migrates_and_works()
    {
        var store = PostOfficeStoreFactory.Create("postgres", server.ConnectionString, "/nonexistent");
        try
        {
            Assert.Equal(Migrator.Embedded("Postgres")[^1].Version, await store.MigrateAsync(CancellationToken.None));
            Assert.Equal(Migrator.Embedded("Postgres")[^1].Version, await store.MigrateAsync(CancellationToken.None));
            await store.Settings.SetAsync("node", "a", CancellationToken.None);
            Assert.Equal("a", await store.Settings.GetAsync("node", CancellationToken.None));
            Assert.IsAssignableFrom<IPostOfficeStore>(store);
        }
        finally
        {
            await ((IAsyncDisposable)store).DisposeAsync();
        }
    }
}
