using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Routing;

public sealed class InboundRouterTests
{
    [Theory]
    [InlineData("+4989123411")]
    [InlineData("089 1234 11")]
    [InlineData("11")]
    public async Task The_dialled_extension_selects_the_mailbox(string dialled)
    {
        await using var office = await PostOffice.StartAsync();
        var alice = await office.UserAsync("alice", "11");

        var decision = await office.Get<InboundRouter>().RouteAsync(dialled, "+4930555", "SENDER", null, CancellationToken.None);

        Assert.Equal(await office.MailboxOfAsync(alice), decision.MailboxId);
    }

    [Fact]
    public async Task Seed_000s_three_unroutable_cases_go_to_the_post_office_with_their_reason()
    {
        await using var office = await PostOffice.StartAsync();
        var leaver = await office.UserAsync("leaver", "12");
        await office.Get<AccountService>().UpdateUserAsync(Principal.System, leaver.UserId, null, null, null, active: false, CancellationToken.None);
        var router = office.Get<InboundRouter>();

        var wrongExtension = await router.RouteAsync("+4989123499", "+4930555", "ACME", null, CancellationToken.None);
        var left = await router.RouteAsync("+4989123412", "+4930555", "ACME", null, CancellationToken.None);
        var unknownSender = await router.RouteAsync("+49891234", "+4930555", "ACME", null, CancellationToken.None);

        Assert.Equal(UnroutableReason.UnknownExtension, wrongExtension.Reason);
        Assert.Contains("99", wrongExtension.Explanation, StringComparison.Ordinal);
        Assert.Equal(UnroutableReason.RecipientLeft, left.Reason);
        Assert.Equal(UnroutableReason.UnknownSender, unknownSender.Reason);
        Assert.Contains("ACME", unknownSender.Explanation, StringComparison.Ordinal);
        Assert.False(wrongExtension.Routed || left.Routed || unknownSender.Routed);
    }

    [Fact]
    public async Task Rules_on_sender_id_number_and_sub_address_route_before_the_extension()
    {
        await using var office = await PostOffice.StartAsync();
        var sales = await office.UserAsync("sales", "20");
        var legal = await office.UserAsync("legal", "30");
        var rules = office.Store.RoutingRules;
        await rules.SaveAsync(new RoutingRule { Match = RoutingMatch.SenderId, Pattern = "+49 30 555", MailboxId = await office.MailboxOfAsync(sales), Order = 1 }, CancellationToken.None);
        await rules.SaveAsync(new RoutingRule { Match = RoutingMatch.SenderNumber, Pattern = "+4940", MailboxId = await office.MailboxOfAsync(legal), Order = 2 }, CancellationToken.None);
        var router = office.Get<InboundRouter>();

        var byTsi = await router.RouteAsync("+49891234", null, "+4930555", null, CancellationToken.None);
        var byNumber = await router.RouteAsync("+49891234", "+49 40 123456", "OTHER", null, CancellationToken.None);
        var bySubAddress = await router.RouteAsync("+49891234", "+4970000", "OTHER", "30", CancellationToken.None);

        Assert.Equal(await office.MailboxOfAsync(sales), byTsi.MailboxId);
        Assert.Contains("sender ID", byTsi.Explanation, StringComparison.Ordinal);
        Assert.Equal(await office.MailboxOfAsync(legal), byNumber.MailboxId);
        Assert.Equal(await office.MailboxOfAsync(legal), bySubAddress.MailboxId);
    }

    [Fact]
    public async Task A_received_fax_is_logged_and_stored_even_when_unroutable()
    {
        await using var office = await PostOffice.StartAsync();
        await using var tiff = new MemoryStream("II*\0pages"u8.ToArray());
        var file = await office.Documents.SaveAsync("inbound", "tif", tiff, long.MaxValue, CancellationToken.None);

        var fax = await office.Get<FaxIntake>().AcceptAsync(new ArrivedFax(file.RelativePath, 3, "+4930555", "ACME", "+4989123477", null, true, "trunk1", TimeSpan.FromSeconds(90)), CancellationToken.None);

        Assert.Equal(InboundState.Unroutable, fax.State);
        Assert.True(fax.Partial);
        var record = Assert.Single(await office.Store.Log.QueryAsync(new Core.Storage.LogQuery(), CancellationToken.None));
        Assert.Equal("partial", record.Result);
        Assert.Equal(3, record.Pages);
        Assert.Equal("trunk1", record.Line);
    }
}
