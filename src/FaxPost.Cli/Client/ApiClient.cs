using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using FaxPost.Web;

namespace FaxPost.Cli.Client;

/// <summary>The server answered with an error (a problem detail); exit code 1.</summary>
internal sealed class ServerRefusedException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>No answer from the server at all; exit code 3.</summary>
internal sealed class ServerUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A thin client of the REST API: JSON in and out, problem details turned into <see cref="ServerRefusedException"/>.</summary>
internal sealed class ApiClient : IDisposable
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(150);
    private readonly HttpClient _http;
    private readonly Uri _server;

    public ApiClient(string server, string? token, HttpMessageHandler? handler)
    {
        if (!Uri.TryCreate(server.EndsWith('/') ? server : server + "/", UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new UsageException($"'{server}' is not a server address; use e.g. {ClientEnvironment.DefaultServer}.");
        }

        _server = uri;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: true);
        _http.BaseAddress = uri;
        _http.Timeout = Timeout.InfiniteTimeSpan; // progress streams last as long as the job; requests get their own limit
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("faxpost-cli", "1"));
    }

    public static JsonSerializerOptions Json { get; } = CreateJson();

    public async Task<T> GetAsync<T>(string path, CancellationToken ct) =>
        await SendAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);

    public async Task<T> PostAsync<T>(string path, HttpContent? content, CancellationToken ct) =>
        await SendAsync<T>(new HttpRequestMessage(HttpMethod.Post, path) { Content = content }, ct).ConfigureAwait(false);

    public async Task<T> SendAsync<T>(HttpRequestMessage request, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(RequestTimeout);
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
        await using var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
        try
        {
            return await JsonSerializer.DeserializeAsync<T>(body, Json, timeout.Token).ConfigureAwait(false)
                ?? throw new ServerRefusedException((int)response.StatusCode, "The server sent an empty answer.");
        }
        catch (JsonException)
        {
            throw new ServerRefusedException((int)response.StatusCode, $"The server at {_server} did not answer in FaxPost's JSON; is it a FaxPost server?");
        }
    }

    /// <summary>Sends and checks the status; the caller reads (and disposes) a successful response.</summary>
    public async Task<HttpResponseMessage> SendRawAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ServerUnreachableException($"Cannot reach the FaxPost server at {_server}: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested || e.InnerException is TimeoutException)
        {
            throw new ServerUnreachableException($"The FaxPost server at {_server} did not answer in time.", e);
        }
        finally
        {
            request.Dispose();
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw new ServerRefusedException((int)response.StatusCode, await ProblemTextAsync(response, ct).ConfigureAwait(false));
        }
    }

    /// <summary>Reads a text/event-stream (server-sent events) and yields each event's data.</summary>
    public async IAsyncEnumerable<string> EventsAsync(string path, [EnumeratorCancellation] CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        using var response = await SendRawAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var data = new StringBuilder();
        while (true)
        {
            string? line;
            try
            {
                line = await reader.ReadLineAsync(ct).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new ServerUnreachableException($"The connection to {_server} broke: {e.Message}", e);
            }

            if (line is null)
            {
                yield break;
            }

            // HTML §9.2.6: a blank line dispatches the event; "data:" lines accumulate; ':' starts a comment.
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    yield return data.ToString();
                    data.Clear();
                }
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                if (data.Length > 0)
                {
                    data.Append('\n');
                }

                data.Append(line.AsSpan(line.Length > 5 && line[5] == ' ' ? 6 : 5));
            }
        }
    }

    public void Dispose() => _http.Dispose();

    private static async Task<string> ProblemTextAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string text = "";
        try
        {
            text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                string? detail = root.TryGetProperty("detail", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                string? title = root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if ((detail ?? title) is { } said)
                {
                    return said;
                }
            }
        }
        catch (JsonException)
        {
        }

        return response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "The server wants a token: pass --token, set FAXPOST_TOKEN or put it in ~/.config/faxpost/token.",
            _ => $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}" + (text.Length is > 0 and < 200 ? $": {text}" : "."),
        };
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        WebSetup.Configure(options);
        return options;
    }
}

/// <summary>The command line itself is wrong; exit code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
