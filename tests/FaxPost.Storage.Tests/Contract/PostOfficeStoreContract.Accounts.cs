using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Contract;

public abstract partial class PostOfficeStoreContract
{
    [Fact]
    public async Task User_round_trips_every_field()
    {
        var user = Sample.User("alice");
        user.PinHash = "pin";
        long id = await Store.Users.SaveAsync(user, Ct);

        Assert.True(id > 0);
        Assert.Equal(id, user.Id);
        var read = await Store.Users.GetAsync(id, Ct);
        Assert.NotNull(read);
        Assert.Equal("alice", read.Login);
        Assert.Equal("Display alice", read.DisplayName);
        Assert.Equal("alice@example.org", read.Email);
        Assert.Equal("pbkdf2$alice", read.PasswordHash);
        Assert.Equal(Role.Administrator | Role.PostOffice, read.Roles);
        Assert.True(read.Active);
        Assert.Equal("pin", read.PinHash);
        Assert.Equal(2, read.FailedLogins);
        Assert.Equal(Sample.T0.AddMinutes(5), read.LockedUntil);
        Assert.Equal(Sample.T0, read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Null(await Store.Users.GetAsync(id + 1000, Ct));
    }

    [Fact]
    public async Task User_update_changes_the_stored_record()
    {
        var user = Sample.User("bob");
        await Store.Users.SaveAsync(user, Ct);
        user.Active = false;
        user.Email = null;
        user.LockedUntil = null;
        user.Roles = Role.None;
        user.Login = "Robert";

        Assert.Equal(user.Id, await Store.Users.SaveAsync(user, Ct));
        var read = await Store.Users.GetAsync(user.Id, Ct);
        Assert.NotNull(read);
        Assert.False(read.Active);
        Assert.Null(read.Email);
        Assert.Null(read.LockedUntil);
        Assert.Equal(Role.None, read.Roles);
        Assert.Equal(user.Id, (await Store.Users.FindByLoginAsync("robert", Ct))?.Id);
        Assert.Null(await Store.Users.FindByLoginAsync("bob", Ct));
        Assert.Single(await Store.Users.ListAsync(Ct));
    }

    [Fact]
    public async Task Logins_are_found_and_unique_ignoring_case()
    {
        var user = Sample.User("Alice.Smith");
        await Store.Users.SaveAsync(user, Ct);

        Assert.Equal(user.Id, (await Store.Users.FindByLoginAsync("alice.smith", Ct))?.Id);
        Assert.Equal(user.Id, (await Store.Users.FindByLoginAsync("ALICE.SMITH", Ct))?.Id);
        Assert.Null(await Store.Users.FindByLoginAsync("alice", Ct));

        var twin = Sample.User("ALICE.smith");
        var e = await Assert.ThrowsAsync<DuplicateException>(() => Store.Users.SaveAsync(twin, Ct));
        Assert.Contains("ALICE.smith", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, twin.Id);

        // Renaming another user onto a taken login is refused too, and changes nothing.
        var other = Sample.User("carol");
        await Store.Users.SaveAsync(other, Ct);
        other.Login = "alice.SMITH";
        await Assert.ThrowsAsync<DuplicateException>(() => Store.Users.SaveAsync(other, Ct));
        Assert.Equal("carol", (await Store.Users.GetAsync(other.Id, Ct))?.Login);
        Assert.Equal(2, (await Store.Users.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task Users_are_found_by_email_ignoring_case_and_listed_in_id_order()
    {
        var a = Sample.User("a");
        var b = Sample.User("b");
        b.Email = "Bee@Example.ORG";
        await Store.Users.SaveAsync(a, Ct);
        await Store.Users.SaveAsync(b, Ct);

        Assert.Equal(b.Id, (await Store.Users.FindByEmailAsync("bee@example.org", Ct))?.Id);
        Assert.Null(await Store.Users.FindByEmailAsync("nobody@example.org", Ct));
        Assert.Equal([a.Id, b.Id], (await Store.Users.ListAsync(Ct)).Select(u => u.Id));
    }

    [Fact]
    public async Task Api_tokens_are_added_found_touched_and_deleted_by_their_owner_only()
    {
        var alice = Sample.User("alice");
        var bob = Sample.User("bob");
        await Store.Users.SaveAsync(alice, Ct);
        await Store.Users.SaveAsync(bob, Ct);
        var token = new ApiToken { UserId = alice.Id, Name = "scanner", SecretHash = "hash-1", CreatedAt = Sample.T0, ExpiresAt = Sample.T0.AddDays(90) };
        long id = await Store.Users.AddTokenAsync(token, Ct);
        await Store.Users.AddTokenAsync(new ApiToken { UserId = alice.Id, Name = "script", SecretHash = "hash-2", CreatedAt = Sample.T0 }, Ct);

        var found = await Store.Users.FindTokenAsync("hash-1", Ct);
        Assert.NotNull(found);
        Assert.Equal(id, found.Id);
        Assert.Equal(alice.Id, found.UserId);
        Assert.Equal("scanner", found.Name);
        Assert.Equal(Sample.T0.AddDays(90), found.ExpiresAt);
        Assert.Null(found.LastUsedAt);
        Assert.Null(await Store.Users.FindTokenAsync("hash-3", Ct));
        Assert.Equal(["scanner", "script"], (await Store.Users.TokensAsync(alice.Id, Ct)).Select(t => t.Name));
        Assert.Empty(await Store.Users.TokensAsync(bob.Id, Ct));

        await Store.Users.TouchTokenAsync(id, Sample.T0.AddHours(3), Ct);
        Assert.Equal(Sample.T0.AddHours(3), (await Store.Users.FindTokenAsync("hash-1", Ct))?.LastUsedAt);

        Assert.False(await Store.Users.DeleteTokenAsync(bob.Id, id, Ct));
        Assert.NotNull(await Store.Users.FindTokenAsync("hash-1", Ct));
        Assert.True(await Store.Users.DeleteTokenAsync(alice.Id, id, Ct));
        Assert.Null(await Store.Users.FindTokenAsync("hash-1", Ct));
        Assert.False(await Store.Users.DeleteTokenAsync(alice.Id, id, Ct));
        Assert.Single(await Store.Users.TokensAsync(alice.Id, Ct));
    }

    [Fact]
    public async Task Teams_have_unique_names_and_replaceable_members()
    {
        var alice = Sample.User("alice");
        var bob = Sample.User("bob");
        await Store.Users.SaveAsync(alice, Ct);
        await Store.Users.SaveAsync(bob, Ct);
        var sales = new Team { Name = "Sales", Email = "sales@example.org", CreatedAt = Sample.T0 };
        var support = new Team { Name = "Support", CreatedAt = Sample.T0 };
        await Store.Teams.SaveAsync(sales, Ct);
        await Store.Teams.SaveAsync(support, Ct);

        var read = await Store.Teams.GetAsync(sales.Id, Ct);
        Assert.Equal("Sales", read?.Name);
        Assert.Equal("sales@example.org", read?.Email);
        Assert.Equal(Sample.T0, read?.CreatedAt);
        var e = await Assert.ThrowsAsync<DuplicateException>(() => Store.Teams.SaveAsync(new Team { Name = "SALES" }, Ct));
        Assert.Contains("SALES", e.Message, StringComparison.Ordinal);

        await Store.Teams.SetMembersAsync(sales.Id, [alice.Id, bob.Id], Ct);
        await Store.Teams.SetMembersAsync(support.Id, [bob.Id], Ct);
        Assert.Equal([alice.Id, bob.Id], await Store.Teams.MembersAsync(sales.Id, Ct));
        Assert.Equal([sales.Id, support.Id], await Store.Users.TeamIdsAsync(bob.Id, Ct));

        await Store.Teams.SetMembersAsync(sales.Id, [bob.Id], Ct);
        Assert.Equal([bob.Id], await Store.Teams.MembersAsync(sales.Id, Ct));
        Assert.Empty(await Store.Users.TeamIdsAsync(alice.Id, Ct));

        sales.Name = "Sales & Marketing";
        await Store.Teams.SaveAsync(sales, Ct);
        Assert.Equal(["Sales & Marketing", "Support"], (await Store.Teams.ListAsync(Ct)).Select(t => t.Name));
    }

    [Fact]
    public async Task Deleting_a_team_removes_its_members_and_its_grants()
    {
        var alice = Sample.User("alice");
        await Store.Users.SaveAsync(alice, Ct);
        var team = new Team { Name = "Sales", CreatedAt = Sample.T0 };
        await Store.Teams.SaveAsync(team, Ct);
        await Store.Teams.SetMembersAsync(team.Id, [alice.Id], Ct);
        var box = Sample.Mailbox("box", alice.Id, "100");
        await Store.Mailboxes.SaveAsync(box, Ct);
        await Store.Grants.SetAsync(box.Id, GranteeKind.Team, team.Id, MailboxRights.ReadIncoming, Ct);
        await Store.Grants.SetAsync(box.Id, GranteeKind.User, alice.Id, MailboxRights.All, Ct);

        Assert.True(await Store.Teams.DeleteAsync(team.Id, Ct));
        Assert.False(await Store.Teams.DeleteAsync(team.Id, Ct));
        Assert.Null(await Store.Teams.GetAsync(team.Id, Ct));
        Assert.Empty(await Store.Users.TeamIdsAsync(alice.Id, Ct));
        var grant = Assert.Single(await Store.Grants.ForMailboxAsync(box.Id, Ct));
        Assert.Equal(GranteeKind.User, grant.GranteeKind);
    }

    [Fact]
    public async Task Mailboxes_round_trip_and_are_found_by_extension()
    {
        var box = Sample.Mailbox("Alice", 7, "100");
        long id = await Store.Mailboxes.SaveAsync(box, Ct);

        var read = await Store.Mailboxes.FindByExtensionAsync("100", Ct);
        Assert.NotNull(read);
        Assert.Equal(id, read.Id);
        Assert.Equal("Alice", read.Name);
        Assert.Equal(MailboxOwnerKind.User, read.OwnerKind);
        Assert.Equal(7, read.OwnerId);
        Assert.Equal("Alice@example.org", read.Email);
        Assert.Equal("+49 89 1234 100", read.OutgoingFaxId);
        Assert.Equal(30, read.RetentionDays);
        Assert.False(read.MailPages);
        Assert.Equal(Sample.T0, read.CreatedAt);
        Assert.Null(await Store.Mailboxes.FindByExtensionAsync("1000", Ct));

        box.Extension = "101";
        box.RetentionDays = null;
        box.OwnerKind = MailboxOwnerKind.Team;
        await Store.Mailboxes.SaveAsync(box, Ct);
        Assert.Null(await Store.Mailboxes.FindByExtensionAsync("100", Ct));
        read = await Store.Mailboxes.GetAsync(id, Ct);
        Assert.Equal("101", read?.Extension);
        Assert.Null(read?.RetentionDays);
        Assert.Equal(MailboxOwnerKind.Team, read?.OwnerKind);
    }

    [Fact]
    public async Task Extensions_are_unique_but_many_mailboxes_may_have_none()
    {
        await Store.Mailboxes.SaveAsync(Sample.Mailbox("a", 1, "200"), Ct);
        var e = await Assert.ThrowsAsync<DuplicateException>(() => Store.Mailboxes.SaveAsync(Sample.Mailbox("b", 1, "200"), Ct));
        Assert.Contains("200", e.Message, StringComparison.Ordinal);

        await Store.Mailboxes.SaveAsync(Sample.Mailbox("c", 1, null), Ct);
        await Store.Mailboxes.SaveAsync(Sample.Mailbox("d", 1, null), Ct);
        Assert.Equal(["a", "c", "d"], (await Store.Mailboxes.ListAsync(Ct)).Select(m => m.Name));
    }

    [Fact]
    public async Task Deleting_a_mailbox_removes_its_grants_and_routing_rules()
    {
        var box = Sample.Mailbox("a", 1, "200");
        var other = Sample.Mailbox("b", 1, "201");
        await Store.Mailboxes.SaveAsync(box, Ct);
        await Store.Mailboxes.SaveAsync(other, Ct);
        await Store.Grants.SetAsync(box.Id, GranteeKind.User, 1, MailboxRights.All, Ct);
        await Store.Grants.SetAsync(other.Id, GranteeKind.User, 1, MailboxRights.All, Ct);
        await Store.RoutingRules.SaveAsync(new() { Match = Core.Routing.RoutingMatch.SenderId, Pattern = "x", MailboxId = box.Id }, Ct);
        await Store.RoutingRules.SaveAsync(new() { Match = Core.Routing.RoutingMatch.SenderId, Pattern = "y", MailboxId = other.Id }, Ct);

        Assert.True(await Store.Mailboxes.DeleteAsync(box.Id, Ct));
        Assert.False(await Store.Mailboxes.DeleteAsync(box.Id, Ct));
        Assert.Null(await Store.Mailboxes.GetAsync(box.Id, Ct));
        Assert.Empty(await Store.Grants.ForMailboxAsync(box.Id, Ct));
        Assert.Single(await Store.Grants.ForMailboxAsync(other.Id, Ct));
        Assert.Equal("y", Assert.Single(await Store.RoutingRules.ListAsync(Ct)).Pattern);
    }

    [Fact]
    public async Task Grants_are_set_replaced_and_removed_with_none()
    {
        var box = Sample.Mailbox("a", 1, "200");
        await Store.Mailboxes.SaveAsync(box, Ct);

        await Store.Grants.SetAsync(box.Id, GranteeKind.User, 5, MailboxRights.ReadIncoming, Ct);
        await Store.Grants.SetAsync(box.Id, GranteeKind.Team, 5, MailboxRights.AllOutgoing, Ct);
        await Store.Grants.SetAsync(box.Id, GranteeKind.User, 5, MailboxRights.ReadIncoming | MailboxRights.Send, Ct);

        var grants = await Store.Grants.ForMailboxAsync(box.Id, Ct);
        Assert.Equal(2, grants.Count);
        var user = Assert.Single(grants, g => g.GranteeKind == GranteeKind.User);
        Assert.Equal(5, user.GranteeId);
        Assert.Equal(box.Id, user.MailboxId);
        Assert.Equal(MailboxRights.ReadIncoming | MailboxRights.Send, user.Rights);
        Assert.Equal(MailboxRights.AllOutgoing, Assert.Single(grants, g => g.GranteeKind == GranteeKind.Team).Rights);

        await Store.Grants.SetAsync(box.Id, GranteeKind.User, 5, MailboxRights.None, Ct);
        Assert.Equal(GranteeKind.Team, Assert.Single(await Store.Grants.ForMailboxAsync(box.Id, Ct)).GranteeKind);
        await Store.Grants.SetAsync(box.Id, GranteeKind.User, 99, MailboxRights.None, Ct); // removing nothing is fine
    }

    [Fact]
    public async Task Concurrent_writers_all_succeed()
    {
        var tasks = Enumerable.Range(0, 24).Select(i => Task.Run(() => Store.Users.SaveAsync(Sample.User("user" + i), Ct))).ToArray();
        long[] ids = await Task.WhenAll(tasks);

        Assert.Equal(24, ids.Distinct().Count());
        Assert.Equal(24, (await Store.Users.ListAsync(Ct)).Count);
    }
}
