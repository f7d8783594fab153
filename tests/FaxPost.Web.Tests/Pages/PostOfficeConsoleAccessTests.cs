using System.Net;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Routing;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>Who may open the console pages, and that forged POSTs change nothing.</summary>
public sealed class PostOfficeConsoleAccessTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    public static readonly TheoryData<string, string> PostOfficePages = new()
    {
        { "/postoffice/unroutable", "<h1>Unroutable faxes</h1>" },
        { "/postoffice/routing", "<h1>Routing rules</h1>" },
        { "/postoffice/addressbook", "<h1>Central address book</h1>" },
        { "/postoffice/log", "<h1>Send and receive log</h1>" },
        { "/postoffice/statistics", "<h1>Statistics for" },
        { "/postoffice/status", "<h1>Lines and status</h1>" },
    };

    public static readonly TheoryData<string, string> AdministratorPages = new()
    {
        { "/admin/users", "<h1>Users</h1>" },
        { "/admin/teams", "<h1>Teams</h1>" },
        { "/admin/mailboxes", "<h1>Mailboxes and rights</h1>" },
        { "/admin/retention", "<h1>Retention</h1>" },
    };

    private TestPostOffice Office => shared.Office;

    [Theory]
    [MemberData(nameof(PostOfficePages))]
    [MemberData(nameof(AdministratorPages))]
    public async Task Strangers_are_sent_to_the_log_in_page(string path, string heading)
    {
        using var session = new WebSession(Office);
        using var response = await session.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login?returnUrl=", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
        Assert.DoesNotContain(heading, session.LastHtml, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(PostOfficePages))]
    [MemberData(nameof(AdministratorPages))]
    public async Task A_user_without_a_console_role_gets_403_and_no_content(string path, string heading)
    {
        await Office.FaxAsync(null, senderId: "SECRET SENDER");
        var user = await Office.UserAsync(Unique("plain"));
        using var session = await WebSession.LogInAsync(Office, user);
        using var response = await session.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(heading, session.LastHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET SENDER", session.LastHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"" + path + "\"", session.LastHtml, StringComparison.Ordinal); // not in the navigation either
    }

    [Theory]
    [MemberData(nameof(PostOfficePages))]
    public async Task The_post_office_opens_its_pages(string path, string heading)
    {
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        using var session = await WebSession.LogInAsync(Office, clerk);
        string html = await session.GetHtmlAsync(path);
        Assert.Contains(heading, html, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdministratorPages))]
    public async Task The_post_office_without_the_administrator_role_gets_403_on_administration(string path, string heading)
    {
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        using var session = await WebSession.LogInAsync(Office, clerk);
        using var response = await session.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(heading, session.LastHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plain_user_cannot_hand_off_an_unroutable_fax_even_with_a_token()
    {
        long fax = await Office.FaxAsync(null);
        var user = await Office.UserAsync(Unique("plain"));
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/account"); // a page of theirs, for a valid token
        using var response = await session.PostFormAsync("/postoffice/unroutable?handler=HandOff", ("id", fax.ToString()), ("mailbox", user.MailboxId.ToString()));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Null((await Office.Store.Inbound.GetAsync(fax, CancellationToken.None))!.MailboxId);
    }

    [Fact]
    public async Task Forged_posts_without_the_token_are_refused_and_change_nothing()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator | Role.PostOffice);
        var target = await Office.UserAsync(Unique("target"));
        long fax = await Office.FaxAsync(null);
        using var session = await WebSession.LogInAsync(Office, admin);
        int rulesBefore = (await Office.Store.RoutingRules.ListAsync(CancellationToken.None)).Count;
        int usersBefore = (await Office.Store.Users.ListAsync(CancellationToken.None)).Count;

        (string Path, (string, string)[] Fields)[] forgeries =
        [
            ("/postoffice/unroutable?handler=HandOff", [("id", fax.ToString()), ("mailbox", target.MailboxId.ToString())]),
            ("/postoffice/unroutable?handler=Delete", [("id", fax.ToString())]),
            ("/postoffice/routing?handler=Save", [("match", nameof(RoutingMatch.SenderId)), ("pattern", "FORGED"), ("mailbox", target.MailboxId.ToString())]),
            ("/postoffice/addressbook?handler=Contact", [("name", "Forged Contact"), ("fax", "+4930999")]),
            ("/postoffice/statistics?handler=Tariff", [("perPage", "99"), ("perMinute", "0"), ("quota", "0")]),
            ("/admin/users?handler=Create", [("login", Unique("forged")), ("displayName", "Forged"), ("password", "forged-password")]),
            ($"/admin/users/{target.Id}?handler=Details", [("displayName", "Forged"), ("active", "false")]),
            ($"/admin/users/{target.Id}?handler=Password", [("password", "forged-password")]),
            ($"/admin/mailboxes/{target.MailboxId}?handler=Grant", [("grantee", $"user:{admin.Id}"), ("rights", "read")]),
            ("/admin/retention?handler=Days", [("days", "1")]),
            ("/admin/retention?handler=DeleteNow", [("confirm", "yes")]),
        ];
        foreach (var (path, fields) in forgeries)
        {
            using var response = await session.PostFormWithoutTokenAsync(path, fields);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path}: {(int)response.StatusCode}");
        }

        var stored = (await Office.Store.Inbound.GetAsync(fax, CancellationToken.None))!;
        Assert.Equal((null, InboundState.Unroutable), (stored.MailboxId, stored.State));
        Assert.Equal(rulesBefore, (await Office.Store.RoutingRules.ListAsync(CancellationToken.None)).Count);
        Assert.Equal(usersBefore, (await Office.Store.Users.ListAsync(CancellationToken.None)).Count);
        Assert.DoesNotContain(await Office.Store.AddressBook.ContactsAsync(null, CancellationToken.None), c => c.Name == "Forged Contact");
        var targetUser = (await Office.Store.Users.GetAsync(target.Id, CancellationToken.None))!;
        Assert.Equal((target.Login.ToUpperInvariant(), true), (targetUser.DisplayName, targetUser.Active));
        Assert.Empty(await Office.Store.Grants.ForMailboxAsync(target.MailboxId, CancellationToken.None));
        Assert.Null(await Office.Store.Settings.GetAsync("retention.days", CancellationToken.None));
        Assert.Null(await Office.Store.Settings.GetAsync("charging.cost-per-page", CancellationToken.None));
        using var old = await WebSession.LogInAsync(Office, target); // the password is unchanged
    }

    internal static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];
}
