using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FaxPost.Web.Api;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Api;

public sealed class AuthenticationTests : IAsyncLifetime
{
    private TestPostOffice _office = null!;

    public async Task InitializeAsync() => _office = await TestPostOffice.StartAsync(runScheduler: false);

    public async Task DisposeAsync() => await _office.DisposeAsync();

    [Theory]
    [InlineData("GET", "/api/v1/jobs")]
    [InlineData("POST", "/api/v1/jobs")]
    [InlineData("GET", "/api/v1/faxes")]
    [InlineData("GET", "/api/v1/me")]
    [InlineData("GET", "/api/v1/users")]
    [InlineData("GET", "/api/v1/status")]
    [InlineData("GET", "/api/v1/jobs/1/progress")]
    [InlineData("DELETE", "/api/v1/faxes/1")]
    public async Task Unauthenticated_requests_get_401_with_both_challenges(string method, string path)
    {
        using var client = _office.Client();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        var problem = await HttpAssert.ProblemAsync(response, 401, ProblemKinds.Unauthenticated);
        var schemes = response.Headers.WwwAuthenticate.Select(h => h.Scheme).ToList();
        Assert.Contains("Bearer", schemes);
        Assert.Contains("Basic", schemes);
        Assert.Contains("token", problem.Detail(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_token_authenticates_and_a_revoked_token_does_not()
    {
        var alice = await _office.UserAsync("alice");
        using var client = _office.Client(alice.Token);
        var me = await HttpAssert.OkAsync<MeView>(await client.GetAsync("/api/v1/me"));
        Assert.Equal("alice", me.Login);

        // A second token, made through the API: its secret is shown once, then it works.
        var created = await HttpAssert.OkAsync<NewTokenView>(await client.PostAsJsonAsync("/api/v1/me/tokens", new { name = "script", days = 30 }), 201);
        Assert.StartsWith("fp_", created.Secret, StringComparison.Ordinal);
        using var second = _office.Client(created.Secret);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);
        var listed = await HttpAssert.OkAsync<List<TokenView>>(await client.GetAsync("/api/v1/me/tokens"));
        Assert.Contains(listed, t => t.Id == created.Id && t.Name == "script");
        Assert.DoesNotContain(created.Secret, await (await client.GetAsync("/api/v1/me/tokens")).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/me/tokens/{created.Id}")).StatusCode);
        var refused = await HttpAssert.ProblemAsync(await second.GetAsync("/api/v1/me"), 401, ProblemKinds.Unauthenticated);
        Assert.Contains("revoked", refused.Detail(), StringComparison.Ordinal);
        // Revoking it again, or someone else's token, is "not found".
        await HttpAssert.ProblemAsync(await client.DeleteAsync($"/api/v1/me/tokens/{created.Id}"), 404, ProblemKinds.NotFound);
    }

    [Fact]
    public async Task Garbage_tokens_and_unknown_schemes_are_refused()
    {
        using var client = _office.Client("fp_not-a-real-token");
        await HttpAssert.ProblemAsync(await client.GetAsync("/api/v1/me"), 401);
        using var other = _office.Client();
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Digest", "abc");
        var problem = await HttpAssert.ProblemAsync(await other.GetAsync("/api/v1/me"), 401);
        Assert.Contains("Digest", problem.Detail(), StringComparison.Ordinal);
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "!!!not base64!!!");
        await HttpAssert.ProblemAsync(await other.GetAsync("/api/v1/me"), 401);
    }

    [Fact]
    public async Task Basic_authentication_works_and_locks_out_after_failed_attempts()
    {
        var bob = await _office.UserAsync("bob");
        using (var good = _office.BasicClient("bob", bob.Password))
        {
            Assert.Equal("bob", (await HttpAssert.OkAsync<MeView>(await good.GetAsync("/api/v1/me"))).Login);
        }

        using var bad = _office.BasicClient("bob", "wrong-password");
        for (int i = 0; i < 4; i++)
        {
            var problem = await HttpAssert.ProblemAsync(await bad.GetAsync("/api/v1/me"), 401);
            Assert.Contains("wrong", problem.Detail(), StringComparison.Ordinal);
        }

        var locked = await HttpAssert.ProblemAsync(await bad.GetAsync("/api/v1/me"), 401);
        Assert.Contains("locked", locked.Detail(), StringComparison.Ordinal);
        using var goodAgain = _office.BasicClient("bob", bob.Password);
        Assert.Contains("locked", (await HttpAssert.ProblemAsync(await goodAgain.GetAsync("/api/v1/me"), 401)).Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_never_reach_the_log()
    {
        var carol = await _office.UserAsync("carol");
        using (var client = _office.Client(carol.Token))
        {
            await client.GetAsync("/api/v1/me");
            await client.GetAsync("/api/v1/users"); // refused: logged
        }

        using (var basic = _office.BasicClient("carol", carol.Password + "x"))
        {
            await basic.GetAsync("/api/v1/me");
        }

        using (var forged = _office.Client("fp_forged-secret-value"))
        {
            await forged.GetAsync("/api/v1/me");
        }

        Assert.NotEmpty(_office.Logs.Lines);
        foreach (string line in _office.Logs.Lines)
        {
            Assert.DoesNotContain(carol.Token, line, StringComparison.Ordinal);
            Assert.DoesNotContain(carol.Password, line, StringComparison.Ordinal);
            Assert.DoesNotContain("fp_forged-secret-value", line, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_OpenAPI_document_is_served_without_authentication_and_lists_the_job_endpoints()
    {
        using var client = _office.Client();
        using var response = await client.GetAsync("/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var doc = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = doc.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/v1/jobs", out var jobs));
        Assert.True(jobs.TryGetProperty("post", out _));
        Assert.True(jobs.TryGetProperty("get", out _));
        Assert.True(paths.TryGetProperty("/api/v1/jobs/{id}/progress", out _));
        Assert.True(paths.TryGetProperty("/api/v1/jobs/{id}/cancel", out _));
        Assert.True(paths.TryGetProperty("/api/v1/faxes/{id}/document", out _));
        Assert.Equal("FaxPost API", doc.RootElement.GetProperty("info").GetProperty("title").GetString());
    }

    [Fact]
    public async Task Unknown_api_paths_are_problems_too()
    {
        var dave = await _office.UserAsync("dave");
        using var client = _office.Client(dave.Token);
        await HttpAssert.ProblemAsync(await client.GetAsync("/api/v1/no-such-thing"), 404);
    }
}
