using FaxPost.Browser.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FaxPost.Browser.Tests.Pages;

[Collection(BrowserCollection.Name)]
public sealed class LoginTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_user_logs_in_sees_their_roles_and_only_their_navigation_then_logs_out()
    {
        await fixture.Server.CreateUserAsync("lena", "31");
        var page = await fixture.LogInAsync("lena", "password-lena");

        var header = page.Locator("header.top");
        Assert.Contains("User", await header.Locator(".roles").InnerTextAsync(), StringComparison.Ordinal);
        var nav = page.GetByRole(AriaRole.Navigation, new() { Name = "Main" });
        Assert.Equal(1, await nav.GetByRole(AriaRole.Link, new() { Name = "Inbox" }).CountAsync());
        Assert.Equal(0, await nav.GetByRole(AriaRole.Link, new() { Name = "Unroutable faxes" }).CountAsync());
        await BrowserFixture.ScreenshotAsync(page, "home");

        await page.GetByRole(AriaRole.Button, new() { Name = "Log out" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/login", StringComparison.Ordinal));
        await page.GotoAsync(fixture.Server.Url + "/account");
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_administrator_sees_the_post_office_console_and_both_roles()
    {
        var page = await fixture.LogInAsync("admin", fixture.Server.AdminPassword);
        var roles = await page.Locator("header.top .roles").InnerTextAsync();
        Assert.Contains("Administrator", roles, StringComparison.Ordinal);
        Assert.Contains("Fax post office", roles, StringComparison.Ordinal);
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Unroutable faxes" }).CountAsync());
    }

    [Fact]
    public async Task A_wrong_password_is_refused_in_words_and_the_fifth_locks_the_account()
    {
        await fixture.Server.CreateUserAsync("mats", "32");
        var page = await fixture.NewPageAsync(width: 390);
        await page.GotoAsync(fixture.Server.Url + "/login");
        for (int i = 1; i <= 5; i++)
        {
            await page.GetByLabel("Login").FillAsync("mats");
            await page.GetByLabel("Password").FillAsync("wrong-" + i);
            await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
            await page.Locator("#login-error").WaitForAsync();
        }

        Assert.Contains("locked", await page.Locator("#login-error").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "login-locked-phone");

        // Locked: even the right password does not get in now.
        await page.GetByLabel("Login").FillAsync("mats");
        await page.GetByLabel("Password").FillAsync("password-mats");
        await page.GetByRole(AriaRole.Button, new() { Name = "Log in" }).ClickAsync();
        Assert.Contains("locked", await page.Locator("#login-error").InnerTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_session_survives_a_restart_of_the_server()
    {
        await fixture.Server.CreateUserAsync("nora", "33");
        var page = await fixture.LogInAsync("nora", "password-nora");
        Assert.Equal(0, await fixture.Server.StopAsync());
        await fixture.Server.StartAsync();

        // The keys that sign the cookie are in the data directory: still logged in, and forms still accepted.
        await page.GotoAsync(fixture.Server.Url + "/account");
        Assert.EndsWith("/account", page.Url, StringComparison.Ordinal);
        await page.GetByLabel("Name").FillAsync("after restart");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        await Expect(page.Locator("#new-token")).ToContainTextAsync("fp_");
        await BrowserFixture.ScreenshotAsync(page, "account");
    }
}
