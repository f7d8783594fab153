using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Tests.Fixtures;

namespace FaxPost.Core.Tests.Rights;

/// <summary>
/// Every incoming-fax right against every kind of principal, through the services every front
/// door uses: owner, a user with exactly that right granted, a team member with it granted to the
/// team, a user without it, the fax post office and an administrator.
/// </summary>
public sealed class RightsMatrixTests
{
    public enum Who
    {
        Owner,
        GrantedUser,
        TeamMember,
        Stranger,
        PostOffice,
        Administrator,
    }

    public static TheoryData<MailboxRights, Who, bool> Matrix()
    {
        var data = new TheoryData<MailboxRights, Who, bool>();
        foreach (var right in new[] { MailboxRights.ReadIncoming, MailboxRights.HandOffIncoming, MailboxRights.DeleteIncoming })
        {
            data.Add(right, Who.Owner, true);
            data.Add(right, Who.GrantedUser, true);
            data.Add(right, Who.TeamMember, true);
            data.Add(right, Who.Stranger, false);
            data.Add(right, Who.PostOffice, right != MailboxRights.DeleteIncoming);
            data.Add(right, Who.Administrator, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Incoming_rights_are_enforced_for_every_principal(MailboxRights right, Who who, bool allowed)
    {
        await using var office = await PostOffice.StartAsync();
        var owner = await office.UserAsync("owner", "11");
        var other = await office.UserAsync("other", "22");
        long mailbox = await office.MailboxOfAsync(owner);
        long target = await office.MailboxOfAsync(other);
        var principal = await PrincipalAsync(office, who, mailbox, right);
        long faxId = await ReceiveAsync(office, "11");
        var inbox = office.Get<InboxService>();

        // Every right except read also needs read (you cannot hand off or delete what you cannot see).
        if (who is Who.GrantedUser or Who.TeamMember && right != MailboxRights.ReadIncoming)
        {
            await office.Get<AccountService>().SetGrantAsync(Principal.System, mailbox, who == Who.GrantedUser ? GranteeKind.User : GranteeKind.Team,
                who == Who.GrantedUser ? principal.UserId : principal.TeamIds.Single(), right | MailboxRights.ReadIncoming, CancellationToken.None);
            principal = (await office.Get<AccountService>().PrincipalForAsync(principal.UserId, "test", CancellationToken.None))!;
        }

        Func<Task> act = right switch
        {
            MailboxRights.ReadIncoming => async () => (await inbox.OpenAsync(principal, faxId, "tiff", CancellationToken.None)).Tiff.Dispose(),
            MailboxRights.HandOffIncoming => () => inbox.HandOffAsync(principal, faxId, target, "for you", CancellationToken.None),
            _ => () => inbox.DeleteAsync(principal, faxId, CancellationToken.None),
        };

        if (allowed)
        {
            await act();
        }
        else
        {
            var e = await Assert.ThrowsAnyAsync<Exception>(act);
            Assert.True(e is AccessDeniedException or NotFoundException, e.ToString());
            var fax = await office.Store.Inbound.GetAsync(faxId, CancellationToken.None);
            Assert.Equal(mailbox, fax!.MailboxId);
            Assert.Equal(InboundState.Routed, fax.State);
        }
    }

    [Fact]
    public async Task A_stranger_cannot_tell_a_fax_exists()
    {
        await using var office = await PostOffice.StartAsync();
        await office.UserAsync("owner", "11");
        var stranger = await office.UserAsync("stranger", "33");
        long faxId = await ReceiveAsync(office, "11");
        var inbox = office.Get<InboxService>();

        var hidden = await Assert.ThrowsAsync<NotFoundException>(() => inbox.GetAsync(stranger, faxId, CancellationToken.None));
        var missing = await Assert.ThrowsAsync<NotFoundException>(() => inbox.GetAsync(stranger, faxId + 1000, CancellationToken.None));
        Assert.Equal(missing.Message.Replace((faxId + 1000).ToString(), "N"), hidden.Message.Replace(faxId.ToString(), "N"));
        Assert.Empty(await inbox.ListAsync(stranger, new Core.Storage.InboundQuery(), CancellationToken.None));
    }

    [Fact]
    public async Task Unroutable_faxes_belong_to_the_post_office_only()
    {
        await using var office = await PostOffice.StartAsync();
        var user = await office.UserAsync("user", "11");
        var clerk = await office.UserAsync("clerk", "12", Role.PostOffice);
        long faxId = await ReceiveAsync(office, "99");
        var inbox = office.Get<InboxService>();

        await Assert.ThrowsAsync<AccessDeniedException>(() => inbox.ListAsync(user, new Core.Storage.InboundQuery(Unroutable: true), CancellationToken.None));
        await Assert.ThrowsAsync<NotFoundException>(() => inbox.GetAsync(user, faxId, CancellationToken.None));
        var queue = await inbox.ListAsync(clerk, new Core.Storage.InboundQuery(Unroutable: true), CancellationToken.None);
        var fax = Assert.Single(queue);
        Assert.Equal(UnroutableReason.UnknownExtension, fax.Reason);

        var handedOff = await inbox.HandOffAsync(clerk, faxId, await office.MailboxOfAsync(user), "wrong extension, this is yours", CancellationToken.None);

        Assert.Equal(InboundState.HandedOff, handedOff.State);
        Assert.Single(await inbox.ListAsync(user, new Core.Storage.InboundQuery(), CancellationToken.None));
        var history = await office.Store.Inbound.EventsAsync(faxId, CancellationToken.None);
        Assert.Contains(history, e => e.Kind == "handed-off" && e.UserId == clerk.UserId && e.Message.Contains("wrong extension", StringComparison.Ordinal));
    }

    private static async Task<Principal> PrincipalAsync(PostOffice office, Who who, long mailbox, MailboxRights right)
    {
        var accounts = office.Get<AccountService>();
        switch (who)
        {
            case Who.Owner:
                var owner = await office.Store.Users.FindByLoginAsync("owner", CancellationToken.None);
                return (await accounts.PrincipalForAsync(owner!.Id, "test", CancellationToken.None))!;
            case Who.GrantedUser:
                var granted = await office.UserAsync("granted");
                await accounts.SetGrantAsync(Principal.System, mailbox, GranteeKind.User, granted.UserId, right, CancellationToken.None);
                return granted;
            case Who.TeamMember:
                var member = await office.UserAsync("member");
                var team = await accounts.CreateTeamAsync(Principal.System, "Sales", null, null, null, [member.UserId], CancellationToken.None);
                await accounts.SetGrantAsync(Principal.System, mailbox, GranteeKind.Team, team.Id, right, CancellationToken.None);
                return (await accounts.PrincipalForAsync(member.UserId, "test", CancellationToken.None))!;
            case Who.Stranger:
                var stranger = await office.UserAsync("stranger");
                var decoy = await accounts.CreateTeamAsync(Principal.System, "Decoy", null, null, null, [stranger.UserId], CancellationToken.None);
                await accounts.SetGrantAsync(Principal.System, mailbox, GranteeKind.Team, decoy.Id, MailboxRights.AllOutgoing, CancellationToken.None);
                return (await accounts.PrincipalForAsync(stranger.UserId, "test", CancellationToken.None))!;
            case Who.PostOffice:
                return await office.UserAsync("clerk", roles: Role.PostOffice);
            default:
                return await office.UserAsync("root", roles: Role.Administrator);
        }
    }

    private static async Task<long> ReceiveAsync(PostOffice office, string extension)
    {
        await using var tiff = new MemoryStream("II*\0pages"u8.ToArray());
        var file = await office.Documents.SaveAsync("inbound", "tif", tiff, long.MaxValue, CancellationToken.None);
        var fax = await office.Get<FaxIntake>().AcceptAsync(
            new ArrivedFax(file.RelativePath, 2, "+4930555", "SENDER", "+49891234" + extension, null, false, "test", TimeSpan.FromSeconds(40)),
            CancellationToken.None);
        return fax.Id;
    }
}
