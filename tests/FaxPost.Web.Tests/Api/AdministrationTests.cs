using System.Net;
using System.Net.Http.Json;
using System.Text;
using FaxPost.Core.Accounts;
using FaxPost.Core.Log;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Web.Api;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Api;

public sealed class AdministrationTests : IAsyncLifetime
{
    private TestPostOffice _office = null!;
    private TestUser _admin = null!;

    public async Task InitializeAsync()
    {
        _office = await TestPostOffice.StartAsync(runScheduler: false);
        _admin = await _office.UserAsync("admin", Role.Administrator | Role.PostOffice);
    }

    public async Task DisposeAsync() => await _office.DisposeAsync();

    [Fact]
    public async Task An_administrator_sets_up_users_teams_mailboxes_and_grants_and_whoami_shows_the_rights()
    {
        using var admin = _office.Client(_admin.Token);
        var user = await HttpAssert.OkAsync<UserView>(await admin.PostAsJsonAsync("/api/v1/users", new { login = "erin", displayName = "Erin", email = "erin@example.org", password = "erins-password", roles = new[] { "postOffice" }, extension = "42" }), 201);
        Assert.Equal(["postOffice"], user.Roles);
        var users = await HttpAssert.OkAsync<List<UserView>>(await admin.GetAsync("/api/v1/users"));
        Assert.Contains(users, u => u.Login == "erin");
        Assert.DoesNotContain("pbkdf2", await admin.GetStringAsync("/api/v1/users"), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { login = "erin", displayName = "Again", password = "erins-password" }), 409, ProblemKinds.Duplicate);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { login = "bad login!", displayName = "X" }), 400, ProblemKinds.Validation);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/users", new { login = "frank", displayName = "F", roles = new[] { "king" } }), 400, ProblemKinds.Validation);

        var renamed = await HttpAssert.OkAsync<UserView>(await admin.PatchAsJsonAsync($"/api/v1/users/{user.Id}", new { displayName = "Erin E.", roles = Array.Empty<string>() }));
        Assert.Equal("Erin E.", renamed.DisplayName);
        Assert.Empty(renamed.Roles);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync($"/api/v1/users/{user.Id}/password", new { @new = "reset-password-1" })).StatusCode);
        using (var erin = _office.BasicClient("erin", "reset-password-1"))
        {
            Assert.Equal("erin", (await HttpAssert.OkAsync<MeView>(await erin.GetAsync("/api/v1/me"))).Login);
        }

        var team = await HttpAssert.OkAsync<TeamView>(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Sales", extension = "50", members = new[] { user.Id } }), 201);
        Assert.Equal([user.Id], team.Members);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/v1/teams/{team.Id}/members", new { members = new[] { user.Id, _admin.Id } })).StatusCode);
        Assert.Equal(2, (await HttpAssert.OkAsync<List<TeamView>>(await admin.GetAsync("/api/v1/teams"))).Single(t => t.Id == team.Id).Members.Count);

        var mailboxes = await HttpAssert.OkAsync<List<MailboxView>>(await admin.GetAsync("/api/v1/mailboxes"));
        var sales = mailboxes.Single(m => m.OwnerKind == MailboxOwnerKind.Team && m.OwnerId == team.Id);
        Assert.Equal("50", sales.Extension);
        var changed = await HttpAssert.OkAsync<MailboxView>(await admin.PatchAsJsonAsync($"/api/v1/mailboxes/{sales.Id}", new { retentionDays = 90, outgoingFaxId = "+49 89 1234 50" }));
        Assert.Equal(90, changed.RetentionDays);
        await HttpAssert.ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/mailboxes/{sales.Id}", new { extension = "42" }), 409, ProblemKinds.Duplicate);

        var bob = await _office.UserAsync("bob");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/v1/mailboxes/{sales.Id}/grants", new { granteeKind = "user", granteeId = bob.Id, rights = new[] { "readIncoming", "send" } })).StatusCode);
        var grants = await HttpAssert.OkAsync<List<GrantView>>(await admin.GetAsync($"/api/v1/mailboxes/{sales.Id}/grants"));
        Assert.Contains(grants, g => g.GranteeKind == GranteeKind.User && g.GranteeId == bob.Id && g.Rights.SequenceEqual(["readIncoming", "send"]));
        var bad = await HttpAssert.ProblemAsync(await admin.PutAsJsonAsync($"/api/v1/mailboxes/{sales.Id}/grants", new { granteeKind = "user", granteeId = bob.Id, rights = new[] { "fly" } }), 400);
        Assert.Contains("'fly' is not a right", bad.Detail(), StringComparison.Ordinal);

        using var bobClient = _office.Client(bob.Token);
        var me = await HttpAssert.OkAsync<MeView>(await bobClient.GetAsync("/api/v1/me"));
        Assert.Empty(me.Roles);
        Assert.Contains(me.Mailboxes, m => m.Id == bob.MailboxId && m.Personal && m.Rights.Count == 7);
        Assert.Contains(me.Mailboxes, m => m.Id == sales.Id && !m.Personal && m.Rights.SequenceEqual(["readIncoming", "send"]));
        Assert.Equal(2, me.Mailboxes.Count);
    }

    [Fact]
    public async Task Teams_are_renamed_and_deleted_by_administrators_and_a_blocked_delete_says_why()
    {
        using var admin = _office.Client(_admin.Token);
        var member = await _office.UserAsync("tina");
        var clerk = await _office.UserAsync("clerk", Role.PostOffice);
        var team = await HttpAssert.OkAsync<TeamView>(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Billing", extension = "77", members = new[] { member.Id } }), 201);
        await HttpAssert.OkAsync<TeamView>(await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Legal", members = Array.Empty<long>() }), 201);

        using (var client = _office.Client(clerk.Token))
        {
            await HttpAssert.ProblemAsync(await client.PatchAsJsonAsync($"/api/v1/teams/{team.Id}", new { name = "Nope" }), 403, ProblemKinds.Forbidden);
            await HttpAssert.ProblemAsync(await client.DeleteAsync($"/api/v1/teams/{team.Id}"), 403, ProblemKinds.Forbidden);
        }

        await HttpAssert.ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/teams/{team.Id}", new { name = "LEGAL" }), 409, ProblemKinds.Duplicate);
        await HttpAssert.ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/teams/{team.Id}", new { name = "" }), 400, ProblemKinds.Validation);
        await HttpAssert.ProblemAsync(await admin.PatchAsJsonAsync("/api/v1/teams/99999", new { name = "X" }), 404, ProblemKinds.NotFound);
        var renamed = await HttpAssert.OkAsync<TeamView>(await admin.PatchAsJsonAsync($"/api/v1/teams/{team.Id}", new { name = "Accounts" }));
        Assert.Equal("Accounts", renamed.Name);
        Assert.Equal([member.Id], renamed.Members);
        var box = (await HttpAssert.OkAsync<List<MailboxView>>(await admin.GetAsync("/api/v1/mailboxes"))).Single(m => m.Extension == "77");
        Assert.Equal("Accounts", box.Name);

        var blocked = await HttpAssert.ProblemAsync(await admin.DeleteAsync($"/api/v1/teams/{team.Id}"), 409, ProblemKinds.Conflict);
        Assert.Contains("1 member(s)", blocked.Detail(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PutAsJsonAsync($"/api/v1/teams/{team.Id}/members", new { members = Array.Empty<long>() })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/teams/{team.Id}")).StatusCode);
        Assert.DoesNotContain(await HttpAssert.OkAsync<List<TeamView>>(await admin.GetAsync("/api/v1/teams")), t => t.Id == team.Id);
        Assert.DoesNotContain(await HttpAssert.OkAsync<List<MailboxView>>(await admin.GetAsync("/api/v1/mailboxes")), m => m.Id == box.Id);
        await HttpAssert.ProblemAsync(await admin.DeleteAsync($"/api/v1/teams/{team.Id}"), 404, ProblemKinds.NotFound);
    }

    [Fact]
    public async Task A_mailbox_goes_back_to_the_default_retention_over_rest()
    {
        using var admin = _office.Client(_admin.Token);
        var user = await _office.UserAsync("rita");
        Assert.Equal(30, (await HttpAssert.OkAsync<MailboxView>(await admin.PatchAsJsonAsync($"/api/v1/mailboxes/{user.MailboxId}", new { retentionDays = 30 }))).RetentionDays);
        await HttpAssert.ProblemAsync(await admin.PatchAsJsonAsync($"/api/v1/mailboxes/{user.MailboxId}", new { retentionDays = 30, defaultRetention = true }), 400, ProblemKinds.Validation);
        var reset = await HttpAssert.OkAsync<MailboxView>(await admin.PatchAsJsonAsync($"/api/v1/mailboxes/{user.MailboxId}", new { defaultRetention = true }));
        Assert.Null(reset.RetentionDays);
        Assert.Null((await _office.Store.Mailboxes.GetAsync(user.MailboxId, CancellationToken.None))!.RetentionDays);
    }

    [Fact]
    public async Task Users_change_their_own_password_with_the_current_one()
    {
        var gina = await _office.UserAsync("gina");
        using var client = _office.Client(gina.Token);
        var wrong = await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/api/v1/me/password", new { current = "nope", @new = "new-password-1" }), 400, ProblemKinds.Validation);
        Assert.Contains("current password", wrong.Detail(), StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(await client.PostAsJsonAsync("/api/v1/me/password", new { current = gina.Password, @new = "short" }), 400);
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/v1/me/password", new { current = gina.Password, @new = "new-password-1" })).StatusCode);
        using var basic = _office.BasicClient("gina", "new-password-1");
        Assert.Equal(HttpStatusCode.OK, (await basic.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task Contacts_lists_and_the_central_book_as_CSV()
    {
        var hank = await _office.UserAsync("hank");
        using var user = _office.Client(hank.Token);
        using var admin = _office.Client(_admin.Token);
        var mine = await HttpAssert.OkAsync<ContactView>(await user.PostAsJsonAsync("/api/v1/contacts", new { name = "Dr. Who", faxNumber = "+49 30 1234567" }), 201);
        Assert.False(mine.Central);
        await HttpAssert.ProblemAsync(await user.PostAsJsonAsync("/api/v1/contacts", new { name = "Nobody" }), 400, ProblemKinds.Validation);
        var updated = await HttpAssert.OkAsync<ContactView>(await user.PutAsJsonAsync($"/api/v1/contacts/{mine.Id}", new { name = "Dr. Who", company = "TARDIS", faxNumber = "+49 30 1234567" }));
        Assert.Equal("TARDIS", updated.Company);

        var list = await HttpAssert.OkAsync<ListView>(await user.PostAsJsonAsync("/api/v1/lists", new { name = "Doctors", contactIds = new[] { mine.Id } }), 201);
        Assert.Equal([mine.Id], list.ContactIds);
        Assert.Single(await HttpAssert.OkAsync<List<ListView>>(await user.GetAsync("/api/v1/lists")));

        // Someone else cannot see or change them.
        var ivy = await _office.UserAsync("ivy");
        using (var other = _office.Client(ivy.Token))
        {
            Assert.Empty(await HttpAssert.OkAsync<List<ContactView>>(await other.GetAsync("/api/v1/contacts")));
            await HttpAssert.ProblemAsync(await other.DeleteAsync($"/api/v1/contacts/{mine.Id}"), 404);
            await HttpAssert.ProblemAsync(await other.DeleteAsync($"/api/v1/lists/{list.Id}"), 404);
        }

        const string csv = "name,company,fax,email\r\n\"Miller, Anna\",ACME,+49 40 7654321,\r\nBob's Bakery,,,bob@example.org\r\n";
        var imported = await HttpAssert.OkAsync<AddressBookEndpoints.ImportView>(await admin.PostAsync("/api/v1/contacts/central.csv", new StringContent(csv, Encoding.UTF8, "text/csv")));
        Assert.Equal(2, imported.Imported);
        string exported = await admin.GetStringAsync("/api/v1/contacts/central.csv");
        Assert.Contains("\"Miller, Anna\",ACME,+49 40 7654321,", exported, StringComparison.Ordinal);
        var broken = await HttpAssert.ProblemAsync(await admin.PostAsync("/api/v1/contacts/central.csv", new StringContent("name,fax\r\nX,not-a-number\r\n", Encoding.UTF8, "text/csv")), 400);
        Assert.Contains("Line 2", broken.Detail(), StringComparison.Ordinal);
        var all = await HttpAssert.OkAsync<List<ContactView>>(await user.GetAsync("/api/v1/contacts"));
        Assert.Equal(3, all.Count); // two central, one own

        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"/api/v1/lists/{list.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.DeleteAsync($"/api/v1/contacts/{mine.Id}")).StatusCode);
    }

    [Fact]
    public async Task Routing_rules_can_be_created_listed_changed_and_deleted()
    {
        using var admin = _office.Client(_admin.Token);
        var rule = await HttpAssert.OkAsync<RoutingRuleView>(await admin.PostAsJsonAsync("/api/v1/routing-rules", new { match = "senderId", pattern = "+49 30 555", mailboxId = _admin.MailboxId, order = 5 }), 201);
        Assert.Equal(RoutingMatch.SenderId, rule.Match);
        var changed = await HttpAssert.OkAsync<RoutingRuleView>(await admin.PutAsJsonAsync($"/api/v1/routing-rules/{rule.Id}", new { match = "senderNumber", pattern = "+4930", mailboxId = _admin.MailboxId, order = 1 }));
        Assert.Equal("+4930", changed.Pattern);
        Assert.Equal(rule.Id, Assert.Single(await HttpAssert.OkAsync<List<RoutingRuleView>>(await admin.GetAsync("/api/v1/routing-rules"))).Id);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/routing-rules", new { match = "senderId", pattern = "", mailboxId = _admin.MailboxId }), 400);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/routing-rules", new { match = "senderId", pattern = "x", mailboxId = 999_999 }), 400);
        await HttpAssert.ProblemAsync(await admin.PostAsJsonAsync("/api/v1/routing-rules", new { match = "moon", pattern = "x", mailboxId = _admin.MailboxId }), 400);
        await HttpAssert.ProblemAsync(await admin.PutAsJsonAsync("/api/v1/routing-rules/999999", new { match = "senderId", pattern = "x", mailboxId = _admin.MailboxId }), 404);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/routing-rules/{rule.Id}")).StatusCode);
        await HttpAssert.ProblemAsync(await admin.DeleteAsync($"/api/v1/routing-rules/{rule.Id}"), 404);
    }

    [Fact]
    public async Task The_log_comes_as_JSON_CSV_and_xferfaxlog_and_users_see_only_their_mailboxes()
    {
        var jill = await _office.UserAsync("jill");
        var at = new DateTimeOffset(2026, 3, 1, 10, 30, 0, TimeSpan.Zero);
        await _office.Store.Log.AddAsync(new TransmissionRecord { At = at, Direction = Direction.Send, MailboxId = jill.MailboxId, UserId = jill.Id, JobId = 7, RemoteNumber = "+4930555", RemoteId = "ACME", Pages = 3, Duration = TimeSpan.FromSeconds(75), Result = "ok", Line = "trunk1" }, CancellationToken.None);
        await _office.Store.Log.AddAsync(new TransmissionRecord { At = at.AddHours(1), Direction = Direction.Receive, MailboxId = _admin.MailboxId, FaxId = 9, RemoteNumber = "+4940777", Pages = 1, Duration = TimeSpan.FromSeconds(20), Result = "ok", Line = "trunk1" }, CancellationToken.None);
        using var admin = _office.Client(_admin.Token);
        using var user = _office.Client(jill.Token);

        Assert.Equal(2, (await HttpAssert.OkAsync<List<LogRecordView>>(await admin.GetAsync("/api/v1/log"))).Count);
        var sends = await HttpAssert.OkAsync<List<LogRecordView>>(await admin.GetAsync("/api/v1/log?direction=send"));
        Assert.Equal(75, Assert.Single(sends).DurationSeconds);
        var own = await HttpAssert.OkAsync<List<LogRecordView>>(await user.GetAsync("/api/v1/log"));
        Assert.Equal(7, Assert.Single(own).JobId);
        Assert.Empty(await HttpAssert.OkAsync<List<LogRecordView>>(await admin.GetAsync($"/api/v1/log?from={Uri.EscapeDataString(at.AddDays(1).ToString("O"))}")));

        using var csv = await admin.GetAsync("/api/v1/log?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        string csvText = await csv.Content.ReadAsStringAsync();
        Assert.StartsWith("time,direction,", csvText, StringComparison.Ordinal);
        Assert.Contains("2026-03-01T10:30:00Z,send,", csvText, StringComparison.Ordinal);
        string xfer = await admin.GetStringAsync("/api/v1/log?format=xferfaxlog&direction=send");
        Assert.StartsWith("03/01/26 10:30\tSEND\t", xfer, StringComparison.Ordinal);
        await HttpAssert.ProblemAsync(await admin.GetAsync("/api/v1/log?format=xml"), 400);
        await HttpAssert.ProblemAsync(await admin.GetAsync("/api/v1/log?limit=0"), 400);
    }

    [Fact]
    public async Task Retention_days_can_be_read_and_set_and_a_dry_run_removes_nothing()
    {
        using var admin = _office.Client(_admin.Token);
        Assert.Equal(30, (await HttpAssert.OkAsync<AdminEndpoints.RetentionJson>(await admin.GetAsync("/api/v1/retention"))).Days);
        Assert.Equal(7, (await HttpAssert.OkAsync<AdminEndpoints.RetentionJson>(await admin.PutAsJsonAsync("/api/v1/retention", new { days = 7 }))).Days);
        Assert.Equal(7, (await HttpAssert.OkAsync<AdminEndpoints.RetentionJson>(await admin.GetAsync("/api/v1/retention"))).Days);
        await HttpAssert.ProblemAsync(await admin.PutAsJsonAsync("/api/v1/retention", new { days = 0 }), 400);

        var old = await _office.FaxAsync(_admin.MailboxId);
        var fax = (await _office.Store.Inbound.GetAsync(old, CancellationToken.None))!;
        fax.ReceivedAt = DateTimeOffset.UtcNow.AddDays(-8);
        await _office.Store.Inbound.UpdateAsync(fax, new FaxPost.Core.Inbound.InboundEvent { FaxId = old, At = DateTimeOffset.UtcNow, Kind = "test", Message = "aged" }, CancellationToken.None);
        var dry = await HttpAssert.OkAsync<CleanupView>(await admin.PostAsync("/api/v1/retention/cleanup?dryRun=true", null));
        Assert.True(dry.DryRun);
        Assert.Contains(dry.Items, i => i.Kind == "fax" && i.Id == old);
        Assert.NotNull(await _office.Store.Inbound.GetAsync(old, CancellationToken.None));
        var real = await HttpAssert.OkAsync<CleanupView>(await admin.PostAsync("/api/v1/retention/cleanup", null));
        Assert.Contains(real.Items, i => i.Id == old);
        Assert.Null(await _office.Store.Inbound.GetAsync(old, CancellationToken.None));
    }

    [Fact]
    public async Task Status_shows_disk_queue_and_lines()
    {
        var kim = await _office.UserAsync("kim");
        await _office.WaitingJobAsync(kim);
        using var admin = _office.Client(_admin.Token);
        var status = await HttpAssert.OkAsync<StatusView>(await admin.GetAsync("/api/v1/status"));
        Assert.True(status.DiskFreeBytes > 0);
        Assert.True(status.AcceptingWork);
        Assert.Equal(1, status.Queue["queued"]);
        Assert.Equal(0, status.Queue["inProgress"]);
        Assert.Equal(4, status.Lines.Total);
        Assert.Equal(0, status.Lines.OutboundInUse);
    }
}
