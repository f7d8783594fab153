using System.Globalization;
using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Statistics;

/// <summary>The prices and quota in force: the administrator's saved values, else the configuration.</summary>
public sealed record Tariff(decimal CostPerPage, decimal CostPerMinute, string Currency, int MonthlyPageQuota, int QuotaWarningPercent)
{
    /// <summary>Cost of one outgoing call: per page sent and per started minute (phone companies bill started minutes).</summary>
    public decimal CostOf(int pages, TimeSpan duration) =>
        (pages * CostPerPage) + ((decimal)Math.Ceiling(Math.Max(0, duration.TotalMinutes)) * CostPerMinute);
}

public enum QuotaState
{
    /// <summary>No quota configured, or well below it.</summary>
    Fine = 0,
    Near = 1,
    Over = 2,
}

/// <summary>One user's or team's use of the fax server in a month.</summary>
public sealed record UsageRow(
    MailboxOwnerKind Kind,
    long Id,
    string Name,
    int CallsSent,
    int PagesSent,
    int PagesReceived,
    TimeSpan CallTime,
    decimal Cost,
    QuotaState Quota);

public sealed record UsageReport(int Year, int Month, Tariff Tariff, IReadOnlyList<UsageRow> Users, IReadOnlyList<UsageRow> Teams)
{
    public decimal TotalCost => Users.Sum(u => u.Cost) + Teams.Sum(t => t.Cost);
}

/// <summary>
/// Pages and cost per user and team per month, from the send/receive log (seed 004: quotas and
/// fees). Sent faxes are charged to the user who sent them (and to the team whose mailbox they
/// were sent from); internal faxes cost nothing; received pages are counted for the mailbox's owner.
/// The quota counts the pages a user sent over the public network.
/// </summary>
public sealed class UsageStatistics(IPostOfficeStore store, FaxPostOptions options)
{
    private const string PerPageSetting = "charging.cost-per-page";
    private const string PerMinuteSetting = "charging.cost-per-minute";
    private const string QuotaSetting = "charging.monthly-page-quota";

    public async Task<Tariff> TariffAsync(CancellationToken ct)
    {
        var c = options.Charging;
        return new Tariff(
            await DecimalAsync(PerPageSetting, c.CostPerPage, ct).ConfigureAwait(false),
            await DecimalAsync(PerMinuteSetting, c.CostPerMinute, ct).ConfigureAwait(false),
            c.Currency,
            (int)await DecimalAsync(QuotaSetting, c.MonthlyPageQuota, ct).ConfigureAwait(false),
            c.QuotaWarningPercent);
    }

    public async Task SetTariffAsync(Principal by, decimal costPerPage, decimal costPerMinute, int monthlyPageQuota, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (costPerPage is < 0 or > 1000 || costPerMinute is < 0 or > 1000)
        {
            throw new ValidationException("A cost is between 0 and 1000.");
        }

        if (monthlyPageQuota is < 0 or > 10_000_000)
        {
            throw new ValidationException("The monthly page quota is 0 (none) to 10000000 pages.");
        }

        await store.Settings.SetAsync(PerPageSetting, costPerPage.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        await store.Settings.SetAsync(PerMinuteSetting, costPerMinute.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
        await store.Settings.SetAsync(QuotaSetting, monthlyPageQuota.ToString(CultureInfo.InvariantCulture), ct).ConfigureAwait(false);
    }

    /// <summary>Use in one calendar month (UTC), for the fax post office.</summary>
    public async Task<UsageReport> MonthAsync(Principal by, int year, int month, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        if (year is < 2000 or > 9999 || month is < 1 or > 12)
        {
            throw new ValidationException("Pick a month between 2000 and 9999.");
        }

        var tariff = await TariffAsync(ct).ConfigureAwait(false);
        var from = new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero);
        var records = await store.Log.QueryAsync(new LogQuery(from, from.AddMonths(1).AddTicks(-1), Limit: 100_000), ct).ConfigureAwait(false);
        var mailboxes = (await store.Mailboxes.ListAsync(ct).ConfigureAwait(false)).ToDictionary(m => m.Id);

        var users = new Dictionary<long, Tally>();
        var teams = new Dictionary<long, Tally>();
        foreach (var r in records)
        {
            mailboxes.TryGetValue(r.MailboxId ?? -1, out var mailbox);
            if (r.Direction == Direction.Send)
            {
                bool charged = r.Result != "internal";
                decimal cost = charged ? tariff.CostOf(r.Pages, r.Duration) : 0;
                if (r.UserId is { } userId and > 0)
                {
                    Get(users, userId).Sent(r, cost, charged);
                }

                if (mailbox is { OwnerKind: MailboxOwnerKind.Team })
                {
                    Get(teams, mailbox.OwnerId).Sent(r, cost, charged);
                }
            }
            else if (mailbox is not null)
            {
                Get(mailbox.OwnerKind == MailboxOwnerKind.User ? users : teams, mailbox.OwnerId).PagesReceived += r.Pages;
            }
        }

        var userRows = new List<UsageRow>();
        foreach (var user in await store.Users.ListAsync(ct).ConfigureAwait(false))
        {
            var t = users.GetValueOrDefault(user.Id) ?? new Tally();
            userRows.Add(t.Row(MailboxOwnerKind.User, user.Id, user.DisplayName, QuotaOf(t.ChargedPages, tariff)));
        }

        var teamRows = new List<UsageRow>();
        foreach (var team in await store.Teams.ListAsync(ct).ConfigureAwait(false))
        {
            var t = teams.GetValueOrDefault(team.Id) ?? new Tally();
            teamRows.Add(t.Row(MailboxOwnerKind.Team, team.Id, team.Name, QuotaState.Fine));
        }

        return new UsageReport(year, month, tariff, Sort(userRows), Sort(teamRows));
    }

    /// <summary>Where a user stands against the monthly quota with this many charged pages.</summary>
    public static QuotaState QuotaOf(int pages, Tariff tariff)
    {
        if (tariff.MonthlyPageQuota <= 0)
        {
            return QuotaState.Fine;
        }

        if (pages > tariff.MonthlyPageQuota)
        {
            return QuotaState.Over;
        }

        return pages * 100L >= (long)tariff.MonthlyPageQuota * tariff.QuotaWarningPercent ? QuotaState.Near : QuotaState.Fine;
    }

    private static List<UsageRow> Sort(List<UsageRow> rows) =>
        rows.OrderByDescending(r => r.PagesSent + r.PagesReceived).ThenBy(r => r.Name, StringComparer.OrdinalIgnoreCase).ToList();

    private static Tally Get(Dictionary<long, Tally> tallies, long id)
    {
        if (!tallies.TryGetValue(id, out var t))
        {
            tallies[id] = t = new Tally();
        }

        return t;
    }

    private async Task<decimal> DecimalAsync(string key, decimal fallback, CancellationToken ct)
    {
        string? saved = await store.Settings.GetAsync(key, ct).ConfigureAwait(false);
        return decimal.TryParse(saved, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal value) ? value : fallback;
    }

    private sealed class Tally
    {
        public int Calls { get; private set; }

        public int PagesSent { get; private set; }

        public int ChargedPages { get; private set; }

        public int PagesReceived { get; set; }

        public TimeSpan CallTime { get; private set; }

        public decimal Cost { get; private set; }

        public void Sent(TransmissionRecord r, decimal cost, bool charged)
        {
            Calls++;
            PagesSent += r.Pages;
            CallTime += r.Duration;
            Cost += cost;
            if (charged)
            {
                ChargedPages += r.Pages;
            }
        }

        public UsageRow Row(MailboxOwnerKind kind, long id, string name, QuotaState quota) =>
            new(kind, id, name, Calls, PagesSent, PagesReceived, CallTime, Cost, quota);
    }
}
