using System.Net;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Web.Tests.Infrastructure;
using static FaxPost.Web.Tests.Pages.PostOfficeConsoleAccessTests;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The administrator's pages: users, teams, mailboxes with rights, retention.</summary>
public sealed class PostOfficeAdminPagesTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private TestPostOffice Office => shared.Office;

    [Fact]
    public async Task The_administrator_creates_a_user_resets_the_password_and_marks_them_as_left()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator);
        using var session = await WebSession.LogInAsync(Office, admin);
        string login = Unique("new");
        await session.GetHtmlAsync("/admin/users");

        using (var taken = await session.PostFormAsync("/admin/users?handler=Create", ("login", admin.Login), ("displayName", "Twin"), ("password", "long-enough")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, taken.StatusCode);
        }

        using (var created = await session.PostFormAsync("/admin/users?handler=Create", ("login", login), ("displayName", "Nora New"), ("email", "nora@example.org"), ("password", "first-password"), ("postOffice", "true")))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        var user = (await Office.Store.Users.FindByLoginAsync(login, None))!;
        Assert.Equal(Role.PostOffice, user.Roles);
        Assert.NotNull(await Office.Accounts.PersonalMailboxAsync(user.Id, None));
        Assert.Contains("Nora New", await session.GetHtmlAsync("/admin/users"), StringComparison.Ordinal);

        await session.GetHtmlAsync($"/admin/users/{user.Id}");
        using (var reset = await session.PostFormAsync($"/admin/users/{user.Id}?handler=Password", ("password", "second-password")))
        {
            Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);
        }

        using (var nora = await WebSession.LogInAsync(Office, login, "second-password"))
        {
            Assert.Contains("Unroutable faxes", await nora.GetHtmlAsync("/"), StringComparison.Ordinal);
        }

        await session.GetHtmlAsync($"/admin/users/{user.Id}");
        using (var left = await session.PostFormAsync($"/admin/users/{user.Id}?handler=Details", ("displayName", "Nora Gone"), ("email", "")))
        {
            Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        }

        user = (await Office.Store.Users.GetAsync(user.Id, None))!;
        Assert.Equal(("Nora Gone", false, Role.None, (string?)null), (user.DisplayName, user.Active, user.Roles, user.Email));
        using var refused = new WebSession(Office);
        using var attempt = await refused.LogInAttemptAsync(login, "second-password");
        Assert.NotEqual(HttpStatusCode.Redirect, attempt.StatusCode);

        // Taking one's own administrator role is refused in words.
        await session.GetHtmlAsync($"/admin/users/{admin.Id}");
        using var self = await session.PostFormAsync($"/admin/users/{admin.Id}?handler=Details", ("displayName", "Me"), ("active", "true"));
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);
        Assert.Contains("administrator role from yourself", session.LastHtml, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await session.GetAsync("/admin/users/999999")).StatusCode);
    }

    [Fact]
    public async Task Teams_are_created_with_members_and_membership_changes_from_the_user_page()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator);
        var ann = await Office.UserAsync(Unique("ann"));
        var ben = await Office.UserAsync(Unique("ben"));
        string name = Unique("Team");
        using var session = await WebSession.LogInAsync(Office, admin);
        await session.GetHtmlAsync("/admin/teams");

        using (var created = await session.PostFormAsync("/admin/teams?handler=Create", ("name", name), ("members", ann.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
        }

        var team = (await Office.Store.Teams.ListAsync(None)).Single(t => t.Name == name);
        Assert.Equal([ann.Id], await Office.Store.Teams.MembersAsync(team.Id, None));
        Assert.Contains($"Members of {name}", await session.GetHtmlAsync("/admin/teams"), StringComparison.Ordinal);

        await session.GetHtmlAsync($"/admin/users/{ben.Id}");
        using (var joined = await session.PostFormAsync($"/admin/users/{ben.Id}?handler=Teams", ("teams", team.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, joined.StatusCode);
        }

        Assert.Equal([ann.Id, ben.Id], (await Office.Store.Teams.MembersAsync(team.Id, None)).Order());
        await session.GetHtmlAsync("/admin/teams");
        using (var members = await session.PostFormAsync("/admin/teams?handler=Members", ("id", team.Id.ToString()), ("members", ben.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, members.StatusCode);
        }

        Assert.Equal([ben.Id], await Office.Store.Teams.MembersAsync(team.Id, None));

        // Rename (the team mailbox follows), then delete: refused in words while ben is a member.
        string newName = Unique("Renamed");
        using (var renamed = await session.PostFormAsync("/admin/teams?handler=Rename", ("id", team.Id.ToString()), ("name", newName)))
        {
            Assert.Equal(HttpStatusCode.Redirect, renamed.StatusCode);
        }

        Assert.Equal(newName, (await Office.Store.Teams.GetAsync(team.Id, None))!.Name);
        Assert.Contains((await Office.Store.Mailboxes.ListAsync(None)), m => m.OwnerKind == MailboxOwnerKind.Team && m.OwnerId == team.Id && m.Name == newName);
        using (var blank = await session.PostFormAsync("/admin/teams?handler=Rename", ("id", team.Id.ToString()), ("name", " ")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, blank.StatusCode);
            Assert.Contains("A team needs a name", session.LastHtml, StringComparison.Ordinal);
        }

        using (var blocked = await session.PostFormAsync("/admin/teams?handler=Delete", ("id", team.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
            Assert.Contains("cannot be deleted yet: it has 1 member(s)", session.LastHtml, StringComparison.Ordinal);
            Assert.Contains($"Members of {newName}", session.LastHtml, StringComparison.Ordinal); // the page again, with its forms
        }

        using (var forged = await session.PostFormWithoutTokenAsync("/admin/teams?handler=Delete", ("id", team.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        await session.GetHtmlAsync("/admin/teams");
        using (await session.PostFormAsync("/admin/teams?handler=Members", ("id", team.Id.ToString())))
        {
        }

        await session.GetHtmlAsync("/admin/teams");
        using (var deleted = await session.PostFormAsync("/admin/teams?handler=Delete", ("id", team.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        }

        Assert.Null(await Office.Store.Teams.GetAsync(team.Id, None));
        Assert.Contains($"The team {newName} and its mailbox were deleted.", await session.GetHtmlAsync("/admin/teams"), StringComparison.Ordinal);

        // Someone without the administrator role cannot rename or delete.
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        using var clerkSession = await WebSession.LogInAsync(Office, clerk);
        await clerkSession.GetAsync("/");
        using var refused = await clerkSession.PostFormAsync("/admin/teams?handler=Rename", ("id", "1"), ("name", "x"));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task Rights_granted_on_a_mailbox_take_effect_and_removing_every_right_removes_the_grant()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator);
        var owner = await Office.UserAsync(Unique("owner"));
        var deputy = await Office.UserAsync(Unique("deputy"));
        var rights = Office.Services.GetService(typeof(AuthorizationService)) as AuthorizationService;
        var deputyPrincipal = await Office.PrincipalAsync(deputy.Id);
        using var session = await WebSession.LogInAsync(Office, admin);
        string page = await session.GetHtmlAsync($"/admin/mailboxes/{owner.MailboxId}");
        Assert.Contains("No rights are granted", page, StringComparison.Ordinal);

        using (var granted = await session.PostFormAsync($"/admin/mailboxes/{owner.MailboxId}?handler=Grant", ("grantee", $"user:{deputy.Id}"), ("rights", "read"), ("rights", "handoff")))
        {
            Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        }

        Assert.Equal(MailboxRights.ReadIncoming | MailboxRights.HandOffIncoming, await rights!.RightsOnAsync(deputyPrincipal, owner.MailboxId, None));
        Assert.Contains("Save rights of " + deputy.Login.ToUpperInvariant(), await session.GetHtmlAsync($"/admin/mailboxes/{owner.MailboxId}"), StringComparison.Ordinal);

        using (var removed = await session.PostFormAsync($"/admin/mailboxes/{owner.MailboxId}?handler=Grant", ("grantee", $"user:{deputy.Id}")))
        {
            Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        }

        Assert.Equal(MailboxRights.None, await rights.RightsOnAsync(deputyPrincipal, owner.MailboxId, None));
        Assert.Empty(await Office.Store.Grants.ForMailboxAsync(owner.MailboxId, None));

        // Settings: extension taken is refused in words; a fax ID is saved.
        await session.GetHtmlAsync($"/admin/mailboxes/{owner.MailboxId}");
        var other = await Office.UserAsync(Unique("other"), extension: ((Random.Shared.Next() % 90_000) + 10_000).ToString());
        string taken = (await Office.Store.Mailboxes.GetAsync(other.MailboxId, None))!.Extension!;
        using (var clash = await session.PostFormAsync($"/admin/mailboxes/{owner.MailboxId}?handler=Settings", ("extension", taken), ("mailPages", "true")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, clash.StatusCode);
            Assert.Contains("already taken", session.LastHtml, StringComparison.Ordinal);
        }

        using (var saved = await session.PostFormAsync($"/admin/mailboxes/{owner.MailboxId}?handler=Settings", ("faxId", "+49 89 1234"), ("retentionDays", "90")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        var box = (await Office.Store.Mailboxes.GetAsync(owner.MailboxId, None))!;
        Assert.Equal(("+49 89 1234", 90, false), (box.OutgoingFaxId, box.RetentionDays, box.MailPages));
        Assert.Contains(box.Name, await session.GetHtmlAsync("/admin/mailboxes"), StringComparison.Ordinal);

        // An empty retention field goes back to the server default.
        await session.GetHtmlAsync($"/admin/mailboxes/{owner.MailboxId}");
        using (var cleared = await session.PostFormAsync($"/admin/mailboxes/{owner.MailboxId}?handler=Settings", ("faxId", "+49 89 1234"), ("retentionDays", "")))
        {
            Assert.Equal(HttpStatusCode.Redirect, cleared.StatusCode);
        }

        Assert.Null((await Office.Store.Mailboxes.GetAsync(owner.MailboxId, None))!.RetentionDays);
    }

    [Fact]
    public async Task Retention_days_are_set_and_delete_now_needs_the_confirmation()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var admin = await office.UserAsync("admin", Role.Administrator);
        long oldFax = await office.FaxAsync(null);
        var fax = (await office.Store.Inbound.GetAsync(oldFax, None))!;
        fax.ReceivedAt = DateTimeOffset.UtcNow.AddDays(-45);
        await office.Store.Inbound.UpdateAsync(fax, new InboundEvent { FaxId = oldFax, At = DateTimeOffset.UtcNow, Kind = "test", Message = "backdated" }, None);
        long newFax = await office.FaxAsync(null);
        using var session = await WebSession.LogInAsync(office, admin);

        string page = await session.GetHtmlAsync("/admin/retention");
        Assert.Contains("30 days", page, StringComparison.Ordinal);
        Assert.Contains($"fax {oldFax}", page, StringComparison.Ordinal);
        Assert.DoesNotContain($"fax {newFax}", page, StringComparison.Ordinal);

        using (var unconfirmed = await session.PostFormAsync("/admin/retention?handler=DeleteNow"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unconfirmed.StatusCode);
            Assert.Contains("Tick the box", session.LastHtml, StringComparison.Ordinal);
        }

        Assert.NotNull(await office.Store.Inbound.GetAsync(oldFax, None));
        using (var confirmed = await session.PostFormAsync("/admin/retention?handler=DeleteNow", ("confirm", "yes")))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        }

        Assert.Null(await office.Store.Inbound.GetAsync(oldFax, None));
        Assert.NotNull(await office.Store.Inbound.GetAsync(newFax, None));
        Assert.Contains("1 fax(es) and job(s) were deleted", await session.GetHtmlAsync("/admin/retention"), StringComparison.Ordinal);

        using (var bad = await session.PostFormAsync("/admin/retention?handler=Days", ("days", "0")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        using (var days = await session.PostFormAsync("/admin/retention?handler=Days", ("days", "60")))
        {
            Assert.Equal(HttpStatusCode.Redirect, days.StatusCode);
        }

        Assert.Contains("60 days", await session.GetHtmlAsync("/admin/retention"), StringComparison.Ordinal);
    }
}
