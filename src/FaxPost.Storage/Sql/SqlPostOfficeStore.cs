using FaxPost.Core.Storage;
using FaxPost.Storage.Migrations;

namespace FaxPost.Storage.Sql;

/// <summary>
/// The one ADO.NET implementation of <see cref="IPostOfficeStore"/>; the dialect supplies what differs
/// between SQLite and PostgreSQL. Every operation opens its own pooled connection, so one instance
/// serves many concurrent requests. Dispose it at shutdown (closes the pool).
/// </summary>
internal sealed class SqlPostOfficeStore : IPostOfficeStore, IAsyncDisposable
{
    private readonly SqlDialect _dialect;
    private readonly Migrator _migrator;

    public SqlPostOfficeStore(SqlDialect dialect, IReadOnlyList<Migration> migrations, TimeProvider? time = null)
    {
        _dialect = dialect;
        _migrator = new Migrator(dialect, migrations, time ?? TimeProvider.System);
        var db = new SqlDatabase(dialect);
        Users = new SqlUserStore(db);
        Teams = new SqlTeamStore(db);
        Mailboxes = new SqlMailboxStore(db);
        Grants = new SqlGrantStore(db);
        Jobs = new SqlJobStore(db);
        Inbound = new SqlInboundStore(db);
        RoutingRules = new SqlRoutingRuleStore(db);
        AddressBook = new SqlAddressBookStore(db);
        Log = new SqlTransmissionLog(db);
        Settings = new SqlSettingsStore(db);
        Mail = new SqlMailStore(db);
    }

    public SqlDialect Dialect => _dialect;

    public IUserStore Users { get; }

    public ITeamStore Teams { get; }

    public IMailboxStore Mailboxes { get; }

    public IGrantStore Grants { get; }

    public IJobStore Jobs { get; }

    public IInboundStore Inbound { get; }

    public IRoutingRuleStore RoutingRules { get; }

    public IAddressBookStore AddressBook { get; }

    public ITransmissionLog Log { get; }

    public ISettingsStore Settings { get; }

    public IMailStore Mail { get; }

    public Task<int> MigrateAsync(CancellationToken ct) => _migrator.MigrateAsync(ct);

    public Task<int> SchemaVersionAsync(CancellationToken ct) => _migrator.CurrentVersionAsync(ct);

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();
}
