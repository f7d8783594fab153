using FaxPost.Storage.Migrations;
using FaxPost.Storage.Postgres;
using FaxPost.Storage.Sql;
using FaxPost.Storage.Tests.Postgres;

namespace FaxPost.Storage.Tests.Contract;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : PostOfficeStoreContract
{
    private string _connectionString = "";

    private protected override string DialectFolder => "Postgres";

    private protected override SqlPostOfficeStore Open(IReadOnlyList<Migration> migrations) =>
        new(new PostgresDialect(_connectionString), migrations);

    public override async Task InitializeAsync()
    {
        _connectionString = await server.NewSchemaAsync();
        await base.InitializeAsync();
    }
}
