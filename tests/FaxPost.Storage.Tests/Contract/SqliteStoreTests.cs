using FaxPost.Storage.Migrations;
using FaxPost.Storage.Sql;
using FaxPost.Storage.Sqlite;

namespace FaxPost.Storage.Tests.Contract;

public sealed class SqliteStoreTests : PostOfficeStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("faxpost-sqlite-").FullName;

    private string DatabasePath => Path.Combine(_directory, "faxpost.db");

    private protected override string DialectFolder => "Sqlite";

    private protected override SqlPostOfficeStore Open(IReadOnlyList<Migration> migrations) =>
        new(new SqliteDialect(DatabasePath), migrations);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task Database_is_in_wal_mode_with_foreign_keys_on()
    {
        var store = OpenTracked();
        var dialect = (SqliteDialect)store.Dialect;
        await using var connection = await dialect.OpenAsync(Ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", (string?)await cmd.ExecuteScalarAsync());
        cmd.CommandText = "PRAGMA synchronous";
        Assert.Equal(2L, (long?)await cmd.ExecuteScalarAsync()); // 2 = FULL
        cmd.CommandText = "PRAGMA foreign_keys";
        Assert.Equal(1L, (long?)await cmd.ExecuteScalarAsync());
    }
}
