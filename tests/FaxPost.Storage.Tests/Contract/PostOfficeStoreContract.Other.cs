using FaxPost.Core.AddressBook;
using FaxPost.Core.Log;
using FaxPost.Core.Routing;
using FaxPost.Core.Storage;

namespace FaxPost.Storage.Tests.Contract;

public abstract partial class PostOfficeStoreContract
{
    [Fact]
    public async Task Routing_rules_are_listed_in_their_order_then_by_id()
    {
        var box = Sample.Mailbox("a", 1, "100");
        await Store.Mailboxes.SaveAsync(box, Ct);
        var late = new RoutingRule { Match = RoutingMatch.SenderNumber, Pattern = "+4930", MailboxId = box.Id, Order = 20 };
        var early = new RoutingRule { Match = RoutingMatch.SenderId, Pattern = "ACME", MailboxId = box.Id, Order = 10 };
        var tie = new RoutingRule { Match = RoutingMatch.SubAddress, Pattern = "7", MailboxId = box.Id, Order = 10 };
        await Store.RoutingRules.SaveAsync(late, Ct);
        await Store.RoutingRules.SaveAsync(early, Ct);
        await Store.RoutingRules.SaveAsync(tie, Ct);

        var rules = await Store.RoutingRules.ListAsync(Ct);
        Assert.Equal([early.Id, tie.Id, late.Id], rules.Select(r => r.Id));
        Assert.Equal(RoutingMatch.SubAddress, rules[1].Match);
        Assert.Equal("7", rules[1].Pattern);
        Assert.Equal(box.Id, rules[1].MailboxId);

        late.Order = 1;
        late.Pattern = "+4989";
        await Store.RoutingRules.SaveAsync(late, Ct);
        rules = await Store.RoutingRules.ListAsync(Ct);
        Assert.Equal([late.Id, early.Id, tie.Id], rules.Select(r => r.Id));
        Assert.Equal("+4989", rules[0].Pattern);

        Assert.True(await Store.RoutingRules.DeleteAsync(early.Id, Ct));
        Assert.False(await Store.RoutingRules.DeleteAsync(early.Id, Ct));
        Assert.Equal(2, (await Store.RoutingRules.ListAsync(Ct)).Count);
    }

    [Fact]
    public async Task Address_book_shows_central_entries_and_only_the_users_own_personal_ones()
    {
        var alice = Sample.User("alice");
        var bob = Sample.User("bob");
        await Store.Users.SaveAsync(alice, Ct);
        await Store.Users.SaveAsync(bob, Ct);
        var central = new Contact { Name = "Tax office", Company = "Finanzamt", FaxNumber = "+4989111", Email = null };
        var mine = new Contact { OwnerUserId = alice.Id, Name = "Mum", FaxNumber = "+4930222", Email = "mum@example.org" };
        var his = new Contact { OwnerUserId = bob.Id, Name = "Dad", FaxNumber = "+4930333" };
        foreach (var c in new[] { central, mine, his })
        {
            await Store.AddressBook.SaveContactAsync(c, Ct);
        }

        Assert.Equal([central.Id], (await Store.AddressBook.ContactsAsync(null, Ct)).Select(c => c.Id));
        Assert.Equal([central.Id, mine.Id], (await Store.AddressBook.ContactsAsync(alice.Id, Ct)).Select(c => c.Id));
        Assert.Equal([central.Id, his.Id], (await Store.AddressBook.ContactsAsync(bob.Id, Ct)).Select(c => c.Id));

        var read = (await Store.AddressBook.GetContactAsync(mine.Id, Ct))!;
        Assert.Equal(alice.Id, read.OwnerUserId);
        Assert.Equal("Mum", read.Name);
        Assert.Null(read.Company);
        Assert.Equal("+4930222", read.FaxNumber);
        Assert.Equal("mum@example.org", read.Email);

        mine.Name = "Mother";
        await Store.AddressBook.SaveContactAsync(mine, Ct);
        Assert.Equal("Mother", (await Store.AddressBook.GetContactAsync(mine.Id, Ct))?.Name);
        Assert.True(await Store.AddressBook.DeleteContactAsync(his.Id, Ct));
        Assert.False(await Store.AddressBook.DeleteContactAsync(his.Id, Ct));
        Assert.Null(await Store.AddressBook.GetContactAsync(his.Id, Ct));
    }

    [Fact]
    public async Task Distribution_lists_keep_their_members_in_order()
    {
        var alice = Sample.User("alice");
        var bob = Sample.User("bob");
        await Store.Users.SaveAsync(alice, Ct);
        await Store.Users.SaveAsync(bob, Ct);
        var contacts = new List<Contact>();
        for (int i = 0; i < 4; i++)
        {
            var c = new Contact { Name = "c" + i, FaxNumber = "+49" + i };
            await Store.AddressBook.SaveContactAsync(c, Ct);
            contacts.Add(c);
        }

        var all = new DistributionList { Name = "All", ContactIds = [contacts[3].Id, contacts[0].Id, contacts[2].Id, contacts[0].Id] };
        var personal = new DistributionList { OwnerUserId = alice.Id, Name = "Mine", ContactIds = [contacts[1].Id] };
        var bobs = new DistributionList { OwnerUserId = bob.Id, Name = "Bob's", ContactIds = [contacts[2].Id] };
        foreach (var l in new[] { all, personal, bobs })
        {
            await Store.AddressBook.SaveListAsync(l, Ct);
        }

        var read = (await Store.AddressBook.GetListAsync(all.Id, Ct))!;
        Assert.Equal("All", read.Name);
        Assert.Null(read.OwnerUserId);
        Assert.Equal([contacts[3].Id, contacts[0].Id, contacts[2].Id], read.ContactIds);

        var visible = await Store.AddressBook.ListsAsync(alice.Id, Ct);
        Assert.Equal(["All", "Mine"], visible.Select(l => l.Name));
        Assert.Equal([contacts[3].Id, contacts[0].Id, contacts[2].Id], visible[0].ContactIds);
        Assert.Equal([contacts[1].Id], visible[1].ContactIds);
        Assert.Equal(["All"], (await Store.AddressBook.ListsAsync(null, Ct)).Select(l => l.Name));

        // Saving replaces the members; deleting a contact takes it out of every list.
        all.ContactIds = [contacts[1].Id, contacts[2].Id];
        all.Name = "Everyone";
        await Store.AddressBook.SaveListAsync(all, Ct);
        await Store.AddressBook.DeleteContactAsync(contacts[2].Id, Ct);
        read = (await Store.AddressBook.GetListAsync(all.Id, Ct))!;
        Assert.Equal("Everyone", read.Name);
        Assert.Equal([contacts[1].Id], read.ContactIds);
        Assert.Empty((await Store.AddressBook.GetListAsync(bobs.Id, Ct))!.ContactIds);

        Assert.True(await Store.AddressBook.DeleteListAsync(all.Id, Ct));
        Assert.False(await Store.AddressBook.DeleteListAsync(all.Id, Ct));
        Assert.Null(await Store.AddressBook.GetListAsync(all.Id, Ct));
        Assert.NotNull(await Store.AddressBook.GetContactAsync(contacts[1].Id, Ct));
    }

    [Fact]
    public async Task Transmission_log_is_filtered_by_time_direction_and_mailbox()
    {
        var records = new List<TransmissionRecord>();
        for (int i = 0; i < 6; i++)
        {
            var r = new TransmissionRecord
            {
                At = Sample.T0.AddHours(i),
                Direction = i % 2 == 0 ? Direction.Send : Direction.Receive,
                MailboxId = i < 3 ? 1 : 2,
                UserId = i % 2 == 0 ? 10 : null,
                JobId = i % 2 == 0 ? 100 + i : null,
                FaxId = i % 2 == 1 ? 200 + i : null,
                RemoteNumber = "+4930" + i,
                RemoteId = "REMOTE " + i,
                Pages = i,
                Duration = TimeSpan.FromMilliseconds(61_234 + i),
                Result = i == 4 ? "busy" : "ok",
                Reason = i == 4 ? "line busy" : null,
                Line = "sip-1",
            };
            await Store.Log.AddAsync(r, Ct);
            records.Add(r);
        }

        async Task<long[]> Ids(LogQuery q) => (await Store.Log.QueryAsync(q, Ct)).Select(r => r.Id).ToArray();

        Assert.Equal(records.Select(r => r.Id), await Ids(new LogQuery()));
        Assert.Equal([records[0].Id, records[2].Id, records[4].Id], await Ids(new LogQuery(Direction: Direction.Send)));
        Assert.Equal([records[3].Id, records[4].Id, records[5].Id], await Ids(new LogQuery(MailboxIds: [2])));
        Assert.Empty(await Ids(new LogQuery(MailboxIds: [])));
        Assert.Equal([records[2].Id, records[3].Id], await Ids(new LogQuery(From: Sample.T0.AddHours(2), To: Sample.T0.AddHours(4))));
        Assert.Equal([records[3].Id, records[5].Id], await Ids(new LogQuery(From: Sample.T0.AddHours(2), Direction: Direction.Receive, MailboxIds: [2, 3])));
        Assert.Equal([records[0].Id, records[1].Id], await Ids(new LogQuery(Limit: 2)));

        var busy = (await Store.Log.QueryAsync(new LogQuery(From: Sample.T0.AddHours(4), To: Sample.T0.AddHours(5)), Ct)).Single();
        Assert.Equal(Sample.T0.AddHours(4), busy.At);
        Assert.Equal(Direction.Send, busy.Direction);
        Assert.Equal(2, busy.MailboxId);
        Assert.Equal(10, busy.UserId);
        Assert.Equal(104, busy.JobId);
        Assert.Null(busy.FaxId);
        Assert.Equal("+49304", busy.RemoteNumber);
        Assert.Equal("REMOTE 4", busy.RemoteId);
        Assert.Equal(4, busy.Pages);
        Assert.Equal(TimeSpan.FromMilliseconds(61_238), busy.Duration);
        Assert.Equal("busy", busy.Result);
        Assert.Equal("line busy", busy.Reason);
        Assert.Equal("sip-1", busy.Line);
    }

    /// <summary>SQL that takes migration 4 (log search) back out, for tests that start from an older schema.</summary>
    internal const string UndoLogSearch =
        "DROP INDEX transmission_log_user; DROP INDEX transmission_log_result; ALTER TABLE transmission_log DROP COLUMN remote_digits";

    private static TransmissionRecord LogRecord(int i, long? user, string? number, string result) => new()
    {
        At = Sample.T0.AddMinutes(i),
        Direction = Direction.Send,
        MailboxId = 1 + (i % 2),
        UserId = user,
        RemoteNumber = number,
        Pages = 1,
        Duration = TimeSpan.FromSeconds(30),
        Result = result,
    };

    [Fact]
    public async Task Transmission_log_filters_by_user_number_digits_and_result_before_the_limit()
    {
        // 40 records of others first, then the matches: a limit applied before filtering would find none.
        var all = new List<TransmissionRecord>();
        for (int i = 0; i < 40; i++)
        {
            all.Add(LogRecord(i, 11, "+33 1 5555 " + i, "ok"));
        }

        all.Add(LogRecord(40, 10, "+49 (89) 123-40", "OK"));
        all.Add(LogRecord(41, 10, "0049 89 123 41", "busy"));
        all.Add(LogRecord(42, 10, null, "ok"));
        all.Add(LogRecord(43, null, "+49 89 12341", "ok"));
        all.Add(LogRecord(44, 10, "+49 89 12344", "Busy"));
        foreach (var r in all)
        {
            await Store.Log.AddAsync(r, Ct);
        }

        async Task<long[]> Ids(LogQuery q) => (await Store.Log.QueryAsync(q, Ct)).Select(r => r.Id).ToArray();
        long[] Of(params int[] i) => i.Select(n => all[n].Id).ToArray();

        Assert.Equal(Of(40, 41, 42, 44), await Ids(new LogQuery(UserId: 10)));
        Assert.Equal(Of(40, 41), await Ids(new LogQuery(UserId: 10, Limit: 2)));
        Assert.Equal(Of(42, 44), await Ids(new LogQuery(UserId: 10, Limit: 2, Newest: true)));
        Assert.Equal(Of(38, 39), await Ids(new LogQuery(Result: "ok", UserId: 11, Limit: 2, Newest: true)));
        Assert.Equal(Of(40, 41, 42, 44), await Ids(new LogQuery(UserId: 10, Limit: 10, Newest: true)));
        Assert.Equal(Of(44), await Ids(new LogQuery(UserId: 10, From: Sample.T0.AddMinutes(43))));
        // Digits inside the number, whatever the punctuation around them.
        Assert.Equal(Of(40, 41, 43, 44), await Ids(new LogQuery(RemoteDigits: "8912")));
        Assert.Equal(Of(41, 43), await Ids(new LogQuery(RemoteDigits: "8912341")));
        Assert.Equal(Of(43), await Ids(new LogQuery(RemoteDigits: "8912341", UserId: null, Result: "ok", MailboxIds: [2])));
        Assert.Empty(await Ids(new LogQuery(RemoteDigits: "777")));
        // The result word in any case.
        Assert.Equal(Of(41, 44), await Ids(new LogQuery(Result: "BUSY")));
        Assert.Equal(Of(40, 42), await Ids(new LogQuery(Result: "ok", UserId: 10)));
        Assert.Equal(Of(44), await Ids(new LogQuery(Result: "busy", RemoteDigits: "12344", UserId: 10, Direction: Direction.Send)));
        Assert.Empty(await Ids(new LogQuery(Result: "busy", Direction: Direction.Receive)));
        // A percent sign or underscore is no wildcard: only digits are accepted.
        await Assert.ThrowsAsync<ArgumentException>(() => Store.Log.QueryAsync(new LogQuery(RemoteDigits: "8_%"), Ct));
    }

    [Fact]
    public async Task Upgrading_fills_the_digits_of_log_records_written_before_the_log_search()
    {
        var store = OpenTracked();
        await using (var connection = await store.Dialect.OpenAsync(Ct))
        {
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = UndoLogSearch + "; DELETE FROM schema_version WHERE version > 3";
            await cmd.ExecuteNonQueryAsync(Ct);
            cmd.CommandText =
                "INSERT INTO transmission_log (at, direction, pages, duration_ms, result, remote_number) VALUES " +
                "(@at, 1, 1, 0, 'ok', '+49 (89) 12-3'), (@at, 1, 1, 0, 'ok', NULL), (@at, 1, 1, 0, 'ok', 'abc'), (@at, 1, 1, 0, 'ok', '004989123')";
            var at = cmd.CreateParameter();
            at.ParameterName = "@at";
            at.Value = store.Dialect.Time(Sample.T0)!;
            cmd.Parameters.Add(at);
            await cmd.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(Latest, await store.MigrateAsync(Ct));

        var found = await store.Log.QueryAsync(new LogQuery(RemoteDigits: "4989123"), Ct);
        Assert.Equal(["+49 (89) 12-3", "004989123"], found.Select(r => r.RemoteNumber));
        Assert.Single(await store.Log.QueryAsync(new LogQuery(RemoteDigits: "0049"), Ct));
    }

    [Fact]
    public async Task Settings_are_read_written_and_overwritten()
    {
        Assert.Null(await Store.Settings.GetAsync("retention.days", Ct));
        await Store.Settings.SetAsync("retention.days", "90", Ct);
        await Store.Settings.SetAsync("other", "x", Ct);
        Assert.Equal("90", await Store.Settings.GetAsync("retention.days", Ct));
        await Store.Settings.SetAsync("retention.days", "30", Ct);
        Assert.Equal("30", await Store.Settings.GetAsync("retention.days", Ct));
        Assert.Equal("x", await Store.Settings.GetAsync("other", Ct));
    }

    [Fact]
    public async Task Timestamps_are_kept_as_utc_to_the_millisecond_in_both_databases()
    {
        var user = Sample.User("t");
        // 2026-06-01 23:59:59.9876543 at +05:30: the sub-millisecond part is dropped, the instant kept.
        user.CreatedAt = new DateTimeOffset(2026, 6, 1, 23, 59, 59, TimeSpan.FromHours(5.5)).AddTicks(9_876_543);
        user.LockedUntil = new DateTimeOffset(1999, 12, 31, 23, 0, 0, TimeSpan.FromHours(-8));
        await Store.Users.SaveAsync(user, Ct);

        var read = (await Store.Users.GetAsync(user.Id, Ct))!;
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 18, 29, 59, 987, TimeSpan.Zero), read.CreatedAt);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
        Assert.Equal(new DateTimeOffset(2000, 1, 1, 7, 0, 0, TimeSpan.Zero), read.LockedUntil);
    }

    [Fact]
    public async Task Unset_and_extreme_timestamps_round_trip()
    {
        var user = Sample.User("t");
        user.CreatedAt = default;
        user.LockedUntil = new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero);
        await Store.Users.SaveAsync(user, Ct);

        var read = (await Store.Users.GetAsync(user.Id, Ct))!;
        Assert.Equal(default, read.CreatedAt);
        Assert.Equal(new DateTimeOffset(9999, 12, 31, 0, 0, 0, TimeSpan.Zero), read.LockedUntil);
    }
}
