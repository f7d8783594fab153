using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Routing;

public sealed class RoutingRuleServiceTests
{
    [Fact]
    public async Task The_post_office_tests_where_a_fax_would_go_and_only_administrators_change_rules()
    {
        await using var office = await PostOffice.StartAsync();
        var sales = await office.UserAsync("sales", "20");
        var clerk = await office.UserAsync("clerk", "21", Role.PostOffice);
        var admin = await office.UserAsync("boss", "22", Role.Administrator);
        var plain = await office.UserAsync("plain", "23");
        var service = office.Get<RoutingRuleService>();
        var ct = CancellationToken.None;

        var before = await service.TestAsync(clerk, "+49891234", "+4930555", "ACME LTD", null, ct);
        Assert.Equal(UnroutableReason.UnknownSender, before.Reason);

        var rule = new RoutingRule { Match = RoutingMatch.SenderId, Pattern = "  ACME LTD ", MailboxId = await office.MailboxOfAsync(sales) };
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.SaveAsync(clerk, rule, ct));
        var saved = await service.SaveAsync(admin, rule, ct);
        Assert.Equal("ACME LTD", saved.Pattern);

        var after = await service.TestAsync(clerk, "+49891234", "+4930555", "ACMELTD", null, ct);
        Assert.Equal(await office.MailboxOfAsync(sales), after.MailboxId);
        Assert.Contains("sender ID", after.Explanation, StringComparison.Ordinal);

        await Assert.ThrowsAsync<AccessDeniedException>(() => service.TestAsync(plain, "20", null, null, null, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.ListAsync(plain, ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => service.DeleteAsync(clerk, saved.Id, ct));
        Assert.Single(await service.ListAsync(clerk, ct));

        await service.DeleteAsync(admin, saved.Id, ct);
        Assert.Empty(await service.ListAsync(clerk, ct));
        await Assert.ThrowsAsync<NotFoundException>(() => service.DeleteAsync(admin, saved.Id, ct));
    }

    [Theory]
    [InlineData(RoutingMatch.SenderId, "", "1 to 64")]
    [InlineData(RoutingMatch.SenderNumber, "abc", "no digits")]
    [InlineData((RoutingMatch)9, "123", "matches the sender number")]
    public async Task Bad_rules_are_refused_in_words_and_nothing_is_stored(RoutingMatch match, string pattern, string words)
    {
        await using var office = await PostOffice.StartAsync();
        var sales = await office.UserAsync("sales", "20");
        var service = office.Get<RoutingRuleService>();

        var e = await Assert.ThrowsAsync<ValidationException>(() => service.SaveAsync(Principal.System, new RoutingRule { Match = match, Pattern = pattern, MailboxId = 0 }, CancellationToken.None));

        Assert.Contains(words, e.Message, StringComparison.Ordinal);
        Assert.Empty(await office.Store.RoutingRules.ListAsync(CancellationToken.None));
        _ = sales;
    }

    [Fact]
    public async Task A_rule_to_a_missing_mailbox_is_refused()
    {
        await using var office = await PostOffice.StartAsync();
        var e = await Assert.ThrowsAsync<ValidationException>(() => office.Get<RoutingRuleService>().SaveAsync(
            Principal.System, new RoutingRule { Match = RoutingMatch.SenderNumber, Pattern = "+4930", MailboxId = 999 }, CancellationToken.None));
        Assert.Contains("no mailbox 999", e.Message, StringComparison.Ordinal);
    }
}
