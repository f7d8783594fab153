using System.Net;
using System.Text.RegularExpressions;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>
/// A browser without a browser, for the web UI on the in-process test server: keeps cookies (the
/// session and anti-forgery cookies), reads the anti-forgery token from the last page, posts forms
/// with it, and follows redirects only when asked.
/// </summary>
internal sealed partial class WebSession : IDisposable
{
    private static readonly Uri Base = new("http://localhost/");
    private readonly HttpClient _client;

    public WebSession(TestPostOffice office)
    {
        Cookies = new CookieContainer();
        _client = new HttpClient(new CookieHandler(Cookies) { InnerHandler = office.Server.CreateHandler() }) { BaseAddress = Base };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The body of the last HTML answer.</summary>
    public string LastHtml { get; private set; } = "";

    public static async Task<WebSession> LogInAsync(TestPostOffice office, TestUser user) => await LogInAsync(office, user.Login, user.Password);

    public static async Task<WebSession> LogInAsync(TestPostOffice office, string login, string password)
    {
        var session = new WebSession(office);
        using var response = await session.LogInAttemptAsync(login, password);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"log-in failed: {(int)response.StatusCode} {session.LastHtml}");
        return session;
    }

    public async Task<HttpResponseMessage> LogInAttemptAsync(string login, string password)
    {
        await GetHtmlAsync("/login");
        return await PostFormAsync("/login", ("login", login), ("password", password));
    }

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await _client.GetAsync(path);
        await KeepHtmlAsync(response);
        return response;
    }

    /// <summary>GET whose body is read as it comes (server-sent events).</summary>
    public Task<HttpResponseMessage> OpenStreamAsync(string path, CancellationToken ct) =>
        _client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);

    /// <summary>GET that must answer 200 with HTML; returns the HTML.</summary>
    public async Task<string> GetHtmlAsync(string path)
    {
        using var response = await GetAsync(path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {response.Headers.Location}\n{LastHtml}");
        return LastHtml;
    }

    /// <summary>Posts a form with the anti-forgery token of the last page (as a browser would).</summary>
    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Name, string Value)[] fields) =>
        PostAsync(path, WithToken(fields, Token()));

    /// <summary>Posts a form without any anti-forgery token (as a forged cross-site form would).</summary>
    public Task<HttpResponseMessage> PostFormWithoutTokenAsync(string path, params (string Name, string Value)[] fields) =>
        PostAsync(path, fields);

    /// <summary>Posts a multipart form (files) with the anti-forgery token of the last page.</summary>
    public Task<HttpResponseMessage> PostMultipartAsync(string path, MultipartFormDataContent form)
    {
        ArgumentNullException.ThrowIfNull(form);
        form.Add(new StringContent(Token()), "__RequestVerificationToken");
        return PostAsync(path, form);
    }

    public async Task<HttpResponseMessage> PostAsync(string path, HttpContent content)
    {
        var response = await _client.PostAsync(path, content);
        await KeepHtmlAsync(response);
        return response;
    }

    /// <summary>The anti-forgery token of the last page's first form.</summary>
    public string Token()
    {
        var match = TokenField().Match(LastHtml);
        Assert.True(match.Success, "the page has no anti-forgery token:\n" + LastHtml);
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    public void Dispose() => _client.Dispose();

    private static (string, string)[] WithToken((string Name, string Value)[] fields, string token) =>
        [.. fields, ("__RequestVerificationToken", token)];

    private async Task<HttpResponseMessage> PostAsync(string path, (string Name, string Value)[] fields)
    {
        using var content = new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));
        return await PostAsync(path, content);
    }

    private async Task KeepHtmlAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType == "text/html")
        {
            LastHtml = await response.Content.ReadAsStringAsync();
        }
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private sealed class CookieHandler(CookieContainer cookies) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            string header = cookies.GetCookieHeader(request.RequestUri!);
            if (header.Length > 0)
            {
                request.Headers.Add("Cookie", header);
            }

            var response = await base.SendAsync(request, cancellationToken);
            if (response.Headers.TryGetValues("Set-Cookie", out var set))
            {
                foreach (string cookie in set)
                {
                    cookies.SetCookies(request.RequestUri!, cookie);
                }
            }

            return response;
        }
    }
}
