using Npgsql;

namespace FaxPost.Storage.Tests.Postgres;

/// <summary>
/// A fresh database (faxpost_test_&lt;random&gt;) on the test server named by FAXPOST_TEST_PG
/// (scripts/test.sh starts the server and sets it), dropped at the end of the run. Each test
/// gets its own schema in it, so tests never see each other's rows. Without FAXPOST_TEST_PG the
/// PostgreSQL tests fail: CI always provides it, and a missing server must not pass silently.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string Variable = "FAXPOST_TEST_PG";

    private NpgsqlConnectionStringBuilder? _admin;

    public string DatabaseName { get; } = "faxpost_test_" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>Connection string of the run's database (public schema).</summary>
    public string ConnectionString { get; private set; } = "";

    public async Task InitializeAsync()
    {
        string? configured = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(configured))
        {
            throw new InvalidOperationException(
                $"{Variable} is not set: the PostgreSQL contract tests need a server. Run scripts/test.sh (it starts one), or " +
                $"`. scripts/lib/deps.sh; install_test_deps; start_postgres` and export {Variable}=\"Host=127.0.0.1;Port=55432;Username=faxpost;Password=faxpost;Database=faxpost_test\".");
        }

        _admin = new NpgsqlConnectionStringBuilder(configured) { Database = "postgres", Pooling = false };
        await using (var connection = new NpgsqlConnection(_admin.ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {DatabaseName}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(configured) { Database = DatabaseName }.ConnectionString;
    }

    /// <summary>Creates an empty schema and returns a connection string whose search path is that schema.</summary>
    public async Task<string> NewSchemaAsync()
    {
        string schema = "t_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE SCHEMA {schema}", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(ConnectionString) { SearchPath = schema }.ConnectionString;
    }

    public async Task DisposeAsync()
    {
        if (_admin is null || ConnectionString.Length == 0)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_admin.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
        await cmd.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "postgres";
}
