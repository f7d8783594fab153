using FaxPost.Core.Accounts;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Statistics;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Statistics;

public sealed class UsageStatisticsTests
{
    private static readonly DateTimeOffset November = new(2026, 11, 10, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Pages_and_cost_are_counted_per_user_and_team_in_the_month_asked_for()
    {
        await using var office = await PostOffice.StartAsync(o =>
        {
            o.Charging.CostPerPage = 0.10m;
            o.Charging.CostPerMinute = 0.02m;
            o.Charging.MonthlyPageQuota = 10;
        });
        var ct = CancellationToken.None;
        var alice = await office.UserAsync("alice", "11");
        var bob = await office.UserAsync("bob", "12");
        var team = await office.Get<AccountService>().CreateTeamAsync(Principal.System, "Sales", null, "30", null, [alice.UserId], ct);
        long teamMailbox = (await office.Store.Mailboxes.ListAsync(ct)).Single(m => m.OwnerKind == MailboxOwnerKind.Team && m.OwnerId == team.Id).Id;
        var log = office.Store.Log;

        // alice: 4 pages in 61 s (2 started minutes) from her mailbox, 5 pages from the team's, 3 internal pages.
        await log.AddAsync(Send(alice.UserId, await office.MailboxOfAsync(alice), 4, 61, "ok", November), ct);
        await log.AddAsync(Send(alice.UserId, teamMailbox, 5, 30, "ok", November.AddDays(1)), ct);
        await log.AddAsync(Send(alice.UserId, await office.MailboxOfAsync(alice), 3, 0, "internal", November), ct);
        // bob received 2 pages; a fax in October does not count.
        await log.AddAsync(new TransmissionRecord { At = November, Direction = Direction.Receive, MailboxId = await office.MailboxOfAsync(bob), Pages = 2, Result = "ok" }, ct);
        await log.AddAsync(Send(bob.UserId, await office.MailboxOfAsync(bob), 50, 60, "ok", November.AddMonths(-1)), ct);

        var report = await office.Get<UsageStatistics>().MonthAsync(Principal.System, 2026, 11, ct);

        var a = report.Users.Single(u => u.Id == alice.UserId);
        Assert.Equal(12, a.PagesSent);
        Assert.Equal(3, a.CallsSent);
        Assert.Equal((4 * 0.10m) + (2 * 0.02m) + (5 * 0.10m) + (1 * 0.02m), a.Cost);
        Assert.Equal(QuotaState.Near, a.Quota); // 9 charged pages of 10
        var b = report.Users.Single(u => u.Id == bob.UserId);
        Assert.Equal((0, 2, 0m), (b.PagesSent, b.PagesReceived, b.Cost));
        var t = report.Teams.Single();
        Assert.Equal((5, 0.52m), (t.PagesSent, t.Cost));
        Assert.Equal(a.Cost + t.Cost, report.TotalCost);
    }

    [Fact]
    public async Task The_administrator_sets_prices_and_quota_and_others_may_not()
    {
        await using var office = await PostOffice.StartAsync();
        var clerk = await office.UserAsync("clerk", "21", Role.PostOffice);
        var plain = await office.UserAsync("plain", "22");
        var stats = office.Get<UsageStatistics>();
        var ct = CancellationToken.None;

        Assert.Equal(0m, (await stats.TariffAsync(ct)).CostPerPage);
        await Assert.ThrowsAsync<AccessDeniedException>(() => stats.SetTariffAsync(clerk, 1, 1, 1, ct));
        await Assert.ThrowsAsync<ValidationException>(() => stats.SetTariffAsync(Principal.System, -1, 0, 0, ct));
        await stats.SetTariffAsync(Principal.System, 0.05m, 0.01m, 200, ct);
        await Assert.ThrowsAsync<AccessDeniedException>(() => stats.MonthAsync(plain, 2026, 11, ct));

        var tariff = await stats.TariffAsync(ct);
        Assert.Equal((0.05m, 0.01m, 200), (tariff.CostPerPage, tariff.CostPerMinute, tariff.MonthlyPageQuota));
        Assert.Equal(QuotaState.Fine, UsageStatistics.QuotaOf(159, tariff));
        Assert.Equal(QuotaState.Near, UsageStatistics.QuotaOf(160, tariff));
        Assert.Equal(QuotaState.Over, UsageStatistics.QuotaOf(201, tariff));
    }

    private static TransmissionRecord Send(long userId, long mailboxId, int pages, int seconds, string result, DateTimeOffset at) => new()
    {
        At = at,
        Direction = Direction.Send,
        UserId = userId,
        MailboxId = mailboxId,
        Pages = pages,
        Duration = TimeSpan.FromSeconds(seconds),
        Result = result,
        RemoteNumber = "+4930555",
        Line = result == "internal" ? null : "trunk1",
    };
}
