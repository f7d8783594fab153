using System.Net;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>Log-in, log-out, lock-out, anti-forgery and the account page of the web UI.</summary>
public sealed class SessionTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private TestPostOffice Office => shared.Office;

    [Theory]
    [InlineData("/")]
    [InlineData("/account")]
    [InlineData("/inbox")]
    [InlineData("/inbox/fax/1")]
    [InlineData("/outbox")]
    [InlineData("/outbox/job/1")]
    [InlineData("/send")]
    [InlineData("/postoffice/unroutable")]
    public async Task Pages_send_strangers_to_the_log_in_page_with_the_way_back(string path)
    {
        using var session = new WebSession(Office);
        using var response = await session.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/login?returnUrl=" + Uri.EscapeDataString(path), response.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Logging_in_starts_a_session_that_the_api_does_not_accept_and_logging_out_ends_it()
    {
        var user = await Office.UserAsync("sess-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = new WebSession(Office);
        await session.GetHtmlAsync("/login?returnUrl=%2Faccount");
        using (var response = await session.PostFormAsync("/login", ("login", user.Login), ("password", user.Password), ("returnUrl", "/account")))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/account", response.Headers.Location!.OriginalString);
        }

        string home = await session.GetHtmlAsync("/");
        Assert.Contains(user.Login.ToUpperInvariant(), home, StringComparison.Ordinal);

        // The REST API takes tokens and passwords only: a browser cookie cannot drive its (unprotected) POSTs.
        using (var api = await session.GetAsync("/api/v1/me"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        }

        using (var logout = await session.PostFormAsync("/logout"))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        using var after = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_return_url_to_another_site_is_ignored()
    {
        var user = await Office.UserAsync("ret-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = new WebSession(Office);
        await session.GetHtmlAsync("/login");
        using var response = await session.PostFormAsync("/login", ("login", user.Login), ("password", user.Password), ("returnUrl", "https://evil.example/"));
        Assert.Equal("/", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Wrong_passwords_are_refused_in_words_and_the_fifth_locks_the_account()
    {
        var user = await Office.UserAsync("lock-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = new WebSession(Office);
        for (int i = 1; i < AccountService.MaxFailedLogins; i++)
        {
            using var wrong = await session.LogInAttemptAsync(user.Login, "wrong");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("The login or password is wrong.", session.LastHtml, StringComparison.Ordinal);
        }

        using (var fifth = await session.LogInAttemptAsync(user.Login, "wrong"))
        {
            Assert.Contains("locked until", session.LastHtml, StringComparison.Ordinal);
        }

        using var right = await session.LogInAttemptAsync(user.Login, user.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, right.StatusCode);
        Assert.Contains("locked until", session.LastHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Forms_without_the_anti_forgery_token_are_refused_and_change_nothing()
    {
        var user = await Office.UserAsync("csrf-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/account");
        using (var forged = await session.PostFormWithoutTokenAsync("/account?handler=CreateToken", ("name", "forged")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        }

        using (var forgedLogin = await new WebSession(Office).PostFormWithoutTokenAsync("/login", ("login", user.Login), ("password", user.Password)))
        {
            Assert.Equal(HttpStatusCode.BadRequest, forgedLogin.StatusCode);
        }

        Assert.DoesNotContain(await Office.Accounts.TokensAsync(await Office.PrincipalAsync(user.Id), CancellationToken.None), t => t.Name == "forged");

        await session.GetHtmlAsync("/account");
        using var real = await session.PostFormAsync("/account?handler=CreateToken", ("name", "real"));
        Assert.Equal(HttpStatusCode.OK, real.StatusCode);
        Assert.Contains("fp_", session.LastHtml, StringComparison.Ordinal);
        Assert.Contains(await Office.Accounts.TokensAsync(await Office.PrincipalAsync(user.Id), CancellationToken.None), t => t.Name == "real");
    }

    [Fact]
    public async Task A_token_made_on_the_account_page_works_on_the_api_until_it_is_revoked_there()
    {
        var user = await Office.UserAsync("tok-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/account");
        using (await session.PostFormAsync("/account?handler=CreateToken", ("name", "scanner"), ("days", "30")))
        {
        }

        string secret = System.Text.RegularExpressions.Regex.Match(session.LastHtml, "fp_[A-Za-z0-9_-]+").Value;
        using var api = Office.Client(secret);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync("/api/v1/me")).StatusCode);

        var token = (await Office.Accounts.TokensAsync(await Office.PrincipalAsync(user.Id), CancellationToken.None)).Single(t => t.Name == "scanner");
        await session.GetHtmlAsync("/account");
        Assert.DoesNotContain(secret, session.LastHtml, StringComparison.Ordinal); // shown once only
        using (var revoke = await session.PostFormAsync("/account?handler=Revoke", ("id", token.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))))
        {
            Assert.Equal(HttpStatusCode.Redirect, revoke.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task A_refused_token_form_shows_the_reason_beside_it_and_creates_nothing()
    {
        var user = await Office.UserAsync("tok-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/account");
        using (var refused = await session.PostFormAsync("/account?handler=CreateToken", ("name", "forever"), ("days", "0")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("A token lives 1 to 3650 days", session.LastHtml, StringComparison.Ordinal);
            Assert.Contains("<form", session.LastHtml, StringComparison.Ordinal); // the page again, not the error page
        }

        Assert.DoesNotContain(await Office.Accounts.TokensAsync(await Office.PrincipalAsync(user.Id), CancellationToken.None), t => t.Name == "forever");
    }

    [Fact]
    public async Task The_password_changes_only_with_the_current_one()
    {
        var user = await Office.UserAsync("pw-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/account");
        using (var wrong = await session.PostFormAsync("/account?handler=Password", ("current", "not-it"), ("new", "a-new-password"), ("repeat", "a-new-password")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("The current password is wrong.", session.LastHtml, StringComparison.Ordinal);
        }

        using (var mismatch = await session.PostFormAsync("/account?handler=Password", ("current", user.Password), ("new", "a-new-password"), ("repeat", "another")))
        {
            Assert.Contains("The two new passwords differ.", session.LastHtml, StringComparison.Ordinal);
        }

        using (var ok = await session.PostFormAsync("/account?handler=Password", ("current", user.Password), ("new", "a-new-password"), ("repeat", "a-new-password")))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        Assert.Contains("Your password is changed.", await session.GetHtmlAsync("/account"), StringComparison.Ordinal);
        using var again = await WebSession.LogInAsync(Office, user.Login, "a-new-password");
    }

    [Fact]
    public async Task A_password_change_ends_the_other_sessions_and_a_reset_ends_all()
    {
        var user = await Office.UserAsync("stamp-" + Guid.NewGuid().ToString("N")[..8]);
        using var here = await WebSession.LogInAsync(Office, user);
        using var elsewhere = await WebSession.LogInAsync(Office, user);
        await here.GetHtmlAsync("/account");
        using (var change = await here.PostFormAsync("/account?handler=Password", ("current", user.Password), ("new", "changed-password"), ("repeat", "changed-password")))
        {
            Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        }

        Assert.Contains("Other sessions of yours are logged out.", await here.GetHtmlAsync("/account"), StringComparison.Ordinal);
        using (var other = await elsewhere.GetAsync("/account"))
        {
            Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
            Assert.StartsWith("/login", other.Headers.Location!.AbsolutePath, StringComparison.Ordinal);
        }

        // An administrator's reset ends this session too.
        await Office.Accounts.SetPasswordAsync(Principal.System, user.Id, null, "reset-by-admin", CancellationToken.None);
        using var after = await here.GetAsync("/account");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
    }

    [Fact]
    public async Task A_deactivated_user_loses_the_session_at_the_next_request()
    {
        var user = await Office.UserAsync("gone-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        await session.GetHtmlAsync("/");
        await Office.Accounts.UpdateUserAsync(Principal.System, user.Id, null, null, null, active: false, CancellationToken.None);
        using var response = await session.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/login", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Navigation_and_roles_follow_the_users_rights()
    {
        var plain = await Office.UserAsync("plain-" + Guid.NewGuid().ToString("N")[..8]);
        var clerk = await Office.UserAsync("clerk-" + Guid.NewGuid().ToString("N")[..8], Role.PostOffice);
        using var asPlain = await WebSession.LogInAsync(Office, plain);
        string plainHome = await asPlain.GetHtmlAsync("/");
        Assert.Contains("<span class=\"badge\">User</span>", plainHome, StringComparison.Ordinal);
        Assert.DoesNotContain("/postoffice/unroutable", plainHome, StringComparison.Ordinal);
        Assert.Contains("href=\"/send\"", plainHome, StringComparison.Ordinal);

        using var asClerk = await WebSession.LogInAsync(Office, clerk);
        string clerkHome = await asClerk.GetHtmlAsync("/");
        Assert.Contains("<span class=\"badge\">Fax post office</span>", clerkHome, StringComparison.Ordinal);
        Assert.Contains("href=\"/postoffice/unroutable\"", clerkHome, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Session_keys_are_kept_in_the_data_directory()
    {
        var user = await Office.UserAsync("keys-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(Office, user);
        string keys = Path.Combine(Office.Directory, "keys");
        Assert.True(Directory.Exists(keys) && Directory.EnumerateFiles(keys, "key-*.xml").Any(), "no data-protection key under " + keys);
    }
}
