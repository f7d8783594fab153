using FaxPost.Core.Accounts;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Log;

public sealed class LogSearchTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_console_filters_find_the_first_matches_behind_many_other_records_and_keep_rights()
    {
        await using var office = await PostOffice.StartAsync();
        var ct = CancellationToken.None;
        var clerk = await office.UserAsync("clerk", roles: Role.PostOffice);
        var alice = await office.UserAsync("alice", "11");
        var bob = await office.UserAsync("bob", "12");
        var boxes = await office.Store.Mailboxes.ListAsync(ct);
        long aliceBox = boxes.Single(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == alice.UserId).Id;
        long bobBox = boxes.Single(m => m.OwnerKind == MailboxOwnerKind.User && m.OwnerId == bob.UserId).Id;

        // 1,200 records of bob's first: more than the page's limit, so filtering after it would find nothing.
        for (int i = 0; i < 1_200; i++)
        {
            await office.Store.Log.AddAsync(Record(i, bob.UserId, bobBox, "+33 1 4000 " + i, "ok"), ct);
        }

        var wanted = new List<long>();
        for (int i = 0; i < 5; i++)
        {
            var r = Record(2_000 + i, alice.UserId, aliceBox, $"+49 (89) 555-{i}", i == 3 ? "BUSY" : "ok");
            await office.Store.Log.AddAsync(r, ct);
            wanted.Add(r.Id);
        }

        var log = office.Get<LogService>();
        var query = new LogQuery(Limit: 3);
        async Task<long[]> Ids(Principal who, LogFilter filter, LogQuery? q = null) =>
            (await log.SearchAsync(who, q ?? query, filter, ct)).Select(r => r.Id).ToArray();

        Assert.Equal(wanted.Take(3), await Ids(clerk, new LogFilter(UserId: alice.UserId)));
        Assert.Equal(wanted.Take(3), await Ids(clerk, new LogFilter(Number: "(89) 555")));
        Assert.Equal([wanted[3]], await Ids(clerk, new LogFilter(Number: "89-5553", Result: "busy")));
        Assert.Equal([wanted[3]], await Ids(clerk, new LogFilter(Result: " Busy ")));
        Assert.Equal(3, (await Ids(clerk, new LogFilter(Number: "+33 1 4000 1"))).Length);
        // Letters alone are no number filter (as before: no digits, no filtering).
        Assert.Equal(3, (await Ids(clerk, new LogFilter(Number: "abc"))).Length);

        // Bob reads only his own mailbox's records, whatever the filter asks.
        Assert.Empty(await Ids(bob, new LogFilter(UserId: alice.UserId), query with { Limit = 100_000 }));
        Assert.Equal(1_200, (await Ids(bob, new LogFilter(Number: "+33"), query with { Limit = 100_000 })).Length);
        Assert.Equal(wanted, await Ids(alice, new LogFilter(Number: "4989"), query with { Limit = 100 }));
    }

    private static TransmissionRecord Record(int minute, long user, long mailbox, string number, string result) => new()
    {
        At = T0.AddMinutes(minute),
        Direction = Direction.Send,
        MailboxId = mailbox,
        UserId = user,
        RemoteNumber = number,
        Pages = 1,
        Duration = TimeSpan.FromSeconds(40),
        Result = result,
    };
}
