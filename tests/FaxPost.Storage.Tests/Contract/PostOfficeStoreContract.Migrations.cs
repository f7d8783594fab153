using FaxPost.Core.Storage;
using FaxPost.Storage.Migrations;

namespace FaxPost.Storage.Tests.Contract;

public abstract partial class PostOfficeStoreContract
{
    /// <summary>The schema version the embedded scripts bring a database to.</summary>
    private protected int Latest => Migrator.Embedded(DialectFolder)[^1].Version;

    private protected IReadOnlyList<Migration> WithExtra(params string[] scripts) =>
        Migrator.Ordered(Migrator.Embedded(DialectFolder).Concat(scripts.Select((sql, i) => new Migration(Latest + 1 + i, "test_" + i, sql))));

    [Fact]
    public async Task Migrating_again_is_a_no_op_that_keeps_the_data()
    {
        await Store.Users.SaveAsync(Sample.User("alice"), Ct);

        Assert.Equal(Latest, await Store.MigrateAsync(Ct));
        var reopened = OpenTracked();
        Assert.Equal(Latest, await reopened.MigrateAsync(Ct));
        Assert.NotNull(await reopened.Users.FindByLoginAsync("alice", Ct));
    }

    [Fact]
    public async Task A_new_migration_upgrades_a_database_and_keeps_its_data()
    {
        var user = Sample.User("alice");
        await Store.Users.SaveAsync(user, Ct);
        await Store.Settings.SetAsync("k", "v", Ct);

        var upgraded = OpenTracked(WithExtra(
            "CREATE TABLE test_upgrade (id integer PRIMARY KEY, note text); ALTER TABLE users ADD COLUMN nickname text"));
        Assert.Equal(Latest, await upgraded.SchemaVersionAsync(Ct));
        Assert.Equal(Latest + 1, await upgraded.MigrateAsync(Ct));
        Assert.Equal(Latest + 1, await upgraded.MigrateAsync(Ct));
        Assert.Equal(Latest + 1, await upgraded.SchemaVersionAsync(Ct));

        Assert.Equal("Display alice", (await upgraded.Users.GetAsync(user.Id, Ct))?.DisplayName);
        Assert.Equal("v", await upgraded.Settings.GetAsync("k", Ct));
        await upgraded.Users.SaveAsync(Sample.User("bob"), Ct);
        Assert.Equal(2, (await upgraded.Users.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task A_failing_migration_is_rolled_back_whole()
    {
        await Store.Users.SaveAsync(Sample.User("alice"), Ct);

        // The first statement would succeed; the second fails, and the first must not stay behind.
        var broken = OpenTracked(WithExtra("CREATE TABLE half_done (id integer PRIMARY KEY); INSERT INTO no_such_table VALUES (1)"));
        await Assert.ThrowsAnyAsync<Exception>(() => broken.MigrateAsync(Ct));
        Assert.Equal(Latest, await broken.SchemaVersionAsync(Ct));

        var fixedStore = OpenTracked(WithExtra("CREATE TABLE half_done (id integer PRIMARY KEY)"));
        Assert.Equal(Latest + 1, await fixedStore.MigrateAsync(Ct)); // would fail if half_done had been left behind
        Assert.NotNull(await fixedStore.Users.FindByLoginAsync("alice", Ct));
    }

    [Fact]
    public async Task A_database_newer_than_the_code_is_refused()
    {
        var newer = OpenTracked(WithExtra("CREATE TABLE from_the_future (id integer PRIMARY KEY)"));
        Assert.Equal(Latest + 1, await newer.MigrateAsync(Ct));

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenTracked().MigrateAsync(Ct));
        Assert.Contains($"schema version {Latest + 1}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nodes_migrating_at_once_apply_each_script_once()
    {
        var migrations = WithExtra("CREATE TABLE once_only (id integer PRIMARY KEY)", "INSERT INTO once_only VALUES (1)");
        var stores = Enumerable.Range(0, 4).Select(_ => OpenTracked(migrations)).ToArray();

        int[] versions = await Task.WhenAll(stores.Select(s => Task.Run(() => s.MigrateAsync(Ct))));

        Assert.All(versions, v => Assert.Equal(Latest + 2, v));
        Assert.Equal(Latest + 2, await stores[0].SchemaVersionAsync(Ct));
    }
}
