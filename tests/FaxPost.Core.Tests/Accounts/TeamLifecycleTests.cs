using System.Collections.Concurrent;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Storage;
using FaxPost.Core.Tests.Fixtures;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Tests.Accounts;

public sealed class TeamLifecycleTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    private static async Task<(PostOffice Office, AuditLines Audit)> StartAsync()
    {
        var audit = new AuditLines();
        var office = await PostOffice.StartAsync(null, s => s.AddLogging(l => l.AddProvider(audit).SetMinimumLevel(LogLevel.Information)));
        return (office, audit);
    }

    [Fact]
    public async Task A_team_is_renamed_with_its_mailbox_by_an_administrator_only()
    {
        var (office, audit) = await StartAsync();
        await using var _ = office;
        var accounts = office.Get<AccountService>();
        var admin = await office.UserAsync("admin", roles: Role.Administrator);
        var clerk = await office.UserAsync("clerk", roles: Role.PostOffice);
        var sales = await accounts.CreateTeamAsync(admin, "Sales", null, "30", null, [], None);
        await accounts.CreateTeamAsync(admin, "Support", null, null, null, [], None);

        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.RenameTeamAsync(clerk, sales.Id, "Selling", None));
        await Assert.ThrowsAsync<DuplicateException>(() => accounts.RenameTeamAsync(admin, sales.Id, "support", None));
        await Assert.ThrowsAsync<ValidationException>(() => accounts.RenameTeamAsync(admin, sales.Id, "  ", None));
        await Assert.ThrowsAsync<NotFoundException>(() => accounts.RenameTeamAsync(admin, 9999, "X", None));

        var renamed = await accounts.RenameTeamAsync(admin, sales.Id, " Key accounts ", None);
        Assert.Equal("Key accounts", renamed.Name);
        Assert.Equal("Key accounts", (await office.Store.Teams.GetAsync(sales.Id, None))!.Name);
        Assert.Equal("Key accounts", (await office.Store.Mailboxes.FindByExtensionAsync("30", None))!.Name);
        Assert.Contains(audit.Lines, l => l.Contains("admin (via test) renamed team", StringComparison.Ordinal) && l.Contains("'Sales' to 'Key accounts'", StringComparison.Ordinal));
        // Same name in another case is the same team: allowed.
        Assert.Equal("KEY accounts", (await accounts.RenameTeamAsync(admin, sales.Id, "KEY accounts", None)).Name);
    }

    [Fact]
    public async Task A_team_is_deleted_only_when_nothing_depends_on_it_and_the_refusal_says_what_does()
    {
        var (office, audit) = await StartAsync();
        await using var _ = office;
        var accounts = office.Get<AccountService>();
        var admin = await office.UserAsync("admin", roles: Role.Administrator);
        var ann = await office.UserAsync("ann", "11");
        var team = await accounts.CreateTeamAsync(admin, "Sales", null, "30", null, [ann.UserId], None);
        long teamBox = (await office.Store.Mailboxes.FindByExtensionAsync("30", None))!.Id;
        long annBox = await office.MailboxOfAsync(ann);
        await accounts.SetGrantAsync(admin, annBox, GranteeKind.Team, team.Id, MailboxRights.ReadIncoming, None);
        var rule = await office.Get<RoutingRuleService>().SaveAsync(admin, new RoutingRule { Match = RoutingMatch.SenderId, Pattern = "ACME", MailboxId = teamBox }, None);
        await using (var tiff = new MemoryStream("II*\0pages"u8.ToArray()))
        {
            var file = await office.Documents.SaveAsync("inbound", "tif", tiff, long.MaxValue, None);
            await office.Get<FaxIntake>().AcceptAsync(new ArrivedFax(file.RelativePath, 1, "+4930555", "OTHER", "+4989123430", null, false, "test", TimeSpan.FromSeconds(30)), None);
        }

        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.DeleteTeamAsync(ann, team.Id, None));
        var refused = await Assert.ThrowsAsync<ConflictException>(() => accounts.DeleteTeamAsync(admin, team.Id, None));
        Assert.Contains("1 member(s)", refused.Message, StringComparison.Ordinal);
        Assert.Contains("1 received fax(es)", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"routing rule(s) {rule.Id}", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await office.Store.Teams.GetAsync(team.Id, None));

        // Clear each dependency; the last refusal names only what is left.
        await accounts.SetTeamMembersAsync(admin, team.Id, [], None);
        await office.Get<RoutingRuleService>().DeleteAsync(admin, rule.Id, None);
        Assert.Equal(["its mailbox holds 1 received fax(es): hand them off or delete them"], await accounts.TeamDeletionBlockersAsync(admin, team.Id, None));
        var fax = Assert.Single(await office.Store.Inbound.QueryAsync(new InboundQuery(MailboxIds: [teamBox]), None));
        await office.Get<InboxService>().HandOffAsync(admin, fax.Id, annBox, "team closes", None);

        await accounts.DeleteTeamAsync(admin, team.Id, None);
        Assert.Null(await office.Store.Teams.GetAsync(team.Id, None));
        Assert.Null(await office.Store.Mailboxes.GetAsync(teamBox, None));
        Assert.Null(await office.Store.Mailboxes.FindByExtensionAsync("30", None));
        Assert.DoesNotContain(await office.Store.Grants.ForMailboxAsync(annBox, None), g => g.GranteeKind == GranteeKind.Team);
        Assert.Contains(audit.Lines, l => l.Contains($"admin (via test) deleted team {team.Id} 'Sales'", StringComparison.Ordinal));
        await Assert.ThrowsAsync<NotFoundException>(() => accounts.DeleteTeamAsync(admin, team.Id, None));
    }

    [Fact]
    public async Task A_mailbox_goes_back_to_the_default_retention()
    {
        var (office, audit) = await StartAsync();
        await using var _ = office;
        var accounts = office.Get<AccountService>();
        var admin = await office.UserAsync("admin", roles: Role.Administrator);
        var ann = await office.UserAsync("ann", "11");
        long box = await office.MailboxOfAsync(ann);
        await accounts.UpdateMailboxAsync(admin, box, null, null, null, 90, null, None);
        Assert.Equal(90, (await office.Store.Mailboxes.GetAsync(box, None))!.RetentionDays);

        await Assert.ThrowsAsync<AccessDeniedException>(() => accounts.UseDefaultRetentionAsync(ann, box, None));
        Assert.Null((await accounts.UseDefaultRetentionAsync(admin, box, None)).RetentionDays);
        Assert.Null((await office.Store.Mailboxes.GetAsync(box, None))!.RetentionDays);
        Assert.Single(audit.Lines, l => l.Contains("back to the default retention (was 90 days)", StringComparison.Ordinal));
        await accounts.UseDefaultRetentionAsync(admin, box, None); // nothing to change: no second audit line
        Assert.Single(audit.Lines, l => l.Contains("default retention", StringComparison.Ordinal));
    }

    private sealed class AuditLines : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _lines = new();

        public IReadOnlyCollection<string> Lines => _lines;

        public ILogger CreateLogger(string categoryName) => new Logger(_lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
