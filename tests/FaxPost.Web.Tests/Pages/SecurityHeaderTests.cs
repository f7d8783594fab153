using System.Net;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>Every answer — pages, errors, assets and the API — carries the security headers.</summary>
public sealed class SecurityHeaderTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    [Theory]
    [InlineData("/login", 200)]
    [InlineData("/", 302)]
    [InlineData("/no-such-page", 404)]
    [InlineData("/api/v1/me", 401)]
    [InlineData("/openapi/v1.json", 200)]
    [InlineData("/error/403", 403)]
    public async Task Security_headers_are_on_every_answer(string path, int status)
    {
        using var session = new WebSession(shared.Office);
        using var response = await session.GetAsync(path);
        Assert.Equal(status, (int)response.StatusCode);
        string csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Pages_are_not_cached_and_versioned_assets_are()
    {
        using var session = new WebSession(shared.Office);
        string html = await session.GetHtmlAsync("/login");
        using (var page = await session.GetAsync("/login"))
        {
            Assert.Contains("no-store", page.Headers.CacheControl!.ToString(), StringComparison.Ordinal);
        }

        var css = System.Text.RegularExpressions.Regex.Match(html, "/assets/site\\.css\\?v=[0-9a-f]+").Value;
        Assert.NotEmpty(css);
        using var asset = await session.GetAsync(css);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("text/css", asset.Content.Headers.ContentType!.MediaType);
        Assert.True(asset.Headers.CacheControl!.Public && asset.Headers.CacheControl.MaxAge > TimeSpan.FromDays(300));
        using var missing = await session.GetAsync("/assets/../../etc/passwd");
        Assert.NotEqual(HttpStatusCode.OK, missing.StatusCode);
    }

    [Fact]
    public async Task Pages_have_no_inline_script_or_style()
    {
        var user = await shared.Office.UserAsync("inline-" + Guid.NewGuid().ToString("N")[..8]);
        using var session = await WebSession.LogInAsync(shared.Office, user);
        foreach (string path in new[] { "/", "/account" })
        {
            string html = await session.GetHtmlAsync(path);
            Assert.DoesNotMatch("<script(?![^>]*\\bsrc=)", html);
            Assert.DoesNotContain("style=", html, StringComparison.Ordinal);
            Assert.DoesNotContain("onclick=", html, StringComparison.OrdinalIgnoreCase);
        }
    }
}

/// <summary>Failures of the UI are the error page, never a stack trace or JSON; the API keeps problem details.</summary>
public sealed class UiErrorTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    [Fact]
    public async Task A_server_fault_behind_a_page_shows_the_error_page_and_the_api_a_problem()
    {
        var office = shared.Office;
        var user = await office.UserAsync("fault-" + Guid.NewGuid().ToString("N")[..8]);
        long fax = await office.FaxAsync(user.MailboxId);
        var stored = await office.Store.Inbound.GetAsync(fax, CancellationToken.None);
        office.Documents.Delete(stored!.Document); // the pages are gone from the disk behind the post office's back

        using var session = await WebSession.LogInAsync(office, user);
        using (var download = await session.GetAsync($"/inbox/fax/{fax}/download?format=pdf"))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, download.StatusCode);
            Assert.Equal("text/html", download.Content.Headers.ContentType!.MediaType);
            Assert.Contains("Something went wrong", session.LastHtml, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", session.LastHtml, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", string.Join(";", download.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }

        using var api = office.Client(user.Token);
        await HttpAssert.ProblemAsync(await api.GetAsync($"/api/v1/faxes/{fax}/document"), 500);
    }
}
