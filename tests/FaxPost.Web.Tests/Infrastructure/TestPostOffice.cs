using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Storage;
using FaxPost.Storage.Documents;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>
/// A whole post office behind the REST API, composed the way the host composes it: a real SQLite
/// store and document store in a temporary directory, Core's services with the real document
/// factory (Ghostscript and our own codecs), the conversion worker and the scheduler running, one
/// scripted line, and the API on an in-process test server.
/// </summary>
internal sealed class TestPostOffice : IAsyncDisposable
{
    public const long MaxUpload = 64 * 1024;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];

    private TestPostOffice(WebApplication app, string directory, CapturingLoggerProvider logs, ScriptedLine line)
    {
        App = app;
        Directory = directory;
        Logs = logs;
        Line = line;
    }

    public WebApplication App { get; }

    public string Directory { get; }

    public CapturingLoggerProvider Logs { get; }

    public ScriptedLine Line { get; }

    public IServiceProvider Services => App.Services;

    public IPostOfficeStore Store => Services.GetRequiredService<IPostOfficeStore>();

    public IDocumentStore Documents => Services.GetRequiredService<IDocumentStore>();

    public AccountService Accounts => Services.GetRequiredService<AccountService>();

    public TestServer Server => App.GetTestServer();

    /// <param name="services">Adds services after the scripted line (e.g. a second line).</param>
    public static async Task<TestPostOffice> StartAsync(bool runScheduler = true, Action<IServiceCollection>? services = null)
    {
        // Memory-backed when the machine has it: the store syncs every write, which a test need not wait for.
        string root = System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
        string directory = Path.Combine(root, "faxpost-web-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new FaxPostOptions { DataDirectory = directory };
        options.Security.PasswordIterations = 10_000;
        options.Limits.MinFreeDiskBytes = 0;
        options.Limits.MaxUploadBytes = MaxUpload;
        options.Retry.MaxTries = 1;
        var store = PostOfficeStoreFactory.Create("sqlite", null, directory);
        await store.MigrateAsync(CancellationToken.None);

        var logs = new CapturingLoggerProvider();
        var line = new ScriptedLine();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton<IDocumentStore>(new FileDocumentStore(Path.Combine(directory, "documents")));
        builder.Services.AddSingleton<IFaxLine>(line);
        services?.Invoke(builder.Services);
        builder.Services.AddPostOffice(options);
        builder.Services.AddFaxPostWeb();
        var app = builder.Build();
        app.MapFaxPostWeb();
        await app.StartAsync();
        var office = new TestPostOffice(app, directory, logs, line);
        var conversion = app.Services.GetRequiredService<ConversionWorker>();
        office._workers.Add(conversion.RunAsync(1, office._stop.Token));
        if (runScheduler)
        {
            // As the host wires them: converted jobs wake the scheduler.
            var scheduler = app.Services.GetRequiredService<FaxScheduler>();
            conversion.Converted += scheduler.Wake;
            office._workers.Add(scheduler.RunAsync(office._stop.Token));
        }

        return office;
    }

    public HttpClient Client(string? token = null)
    {
        var client = Server.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public HttpClient BasicClient(string login, string password)
    {
        var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{login}:{password}")));
        return client;
    }

    public async Task<Principal> PrincipalAsync(long userId) =>
        await Accounts.PrincipalForAsync(userId, "test", CancellationToken.None) ?? throw new InvalidOperationException("no such user");

    /// <summary>Creates a user (with a personal mailbox) and an API token for it.</summary>
    public async Task<TestUser> UserAsync(string login, Role roles = Role.None, string? extension = null)
    {
        var admin = Principal.System;
        string password = "password-" + login;
        var user = await Accounts.CreateUserAsync(admin, new NewUser(login, login.ToUpperInvariant(), $"{login}@example.org", password, roles, extension), CancellationToken.None);
        var (_, secret) = await Accounts.CreateTokenAsync(await PrincipalAsync(user.Id), "test", null, CancellationToken.None);
        var mailbox = await Accounts.PersonalMailboxAsync(user.Id, CancellationToken.None) ?? throw new InvalidOperationException("no mailbox");
        return new TestUser(user.Id, login, password, secret, mailbox.Id);
    }

    public Task GrantAsync(long mailboxId, TestUser user, MailboxRights rights) =>
        Accounts.SetGrantAsync(Principal.System, mailboxId, GranteeKind.User, user.Id, rights, CancellationToken.None);

    /// <summary>A received fax in a mailbox (null = the fax post office's unroutable queue).</summary>
    public async Task<long> FaxAsync(long? mailboxId, string senderId = "+49 30 555", byte[]? content = null)
    {
        var file = await Documents.SaveAsync("inbound", "tif", new MemoryStream(content ?? TestTiff.Pages(1)), long.MaxValue, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        var fax = new InboundFax
        {
            MailboxId = mailboxId,
            CallerNumber = "+4930555",
            SenderId = senderId,
            DialledNumber = "+49891234",
            Pages = 1,
            ReceivedAt = now,
            State = mailboxId is null ? InboundState.Unroutable : InboundState.Routed,
            Reason = mailboxId is null ? UnroutableReason.UnknownExtension : UnroutableReason.None,
            Document = file.RelativePath,
            UpdatedAt = now,
        };
        return await Store.Inbound.AddAsync(fax, mailboxId is null ? "unroutable: unknown extension" : "routed", CancellationToken.None);
    }

    /// <summary>A submitted job that waits (not before tomorrow), from the user's mailbox or the one given.</summary>
    public async Task<FaxJob> WaitingJobAsync(TestUser by, long? mailboxId = null, string number = "+49 30 1234567")
    {
        var jobs = Services.GetRequiredService<JobService>();
        var request = new SubmitRequest
        {
            MailboxId = mailboxId,
            Recipients = [new RecipientSpec(number)],
            Documents = [new UploadedDocument("letter.txt", new MemoryStream("Hello fax"u8.ToArray()))],
            NotBefore = DateTimeOffset.UtcNow.AddDays(1),
        };
        var created = await jobs.SubmitAsync(await PrincipalAsync(by.Id), request, CancellationToken.None);
        return created.Single();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_workers);
        }
        catch (OperationCanceledException)
        {
        }

        await App.StopAsync();
        await App.DisposeAsync();
        _stop.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal sealed record TestUser(long Id, string Login, string Password, string Token, long MailboxId);

internal static class HttpAssert
{
    public static readonly JsonSerializerOptions Json = CreateJson();

    /// <summary>Checks the answer is a problem detail (RFC 9457) with the status and type, and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status, string? type = null)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, problem.GetProperty("status").GetInt32());
        if (type is not null)
        {
            Assert.Equal(type, problem.GetProperty("type").GetString());
        }

        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal); // no stack trace
        return problem;
    }

    public static async Task<T> OkAsync<T>(HttpResponseMessage response, int status = 200)
    {
        string body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new InvalidOperationException("empty body");
    }

    public static string Detail(this JsonElement problem) => problem.GetProperty("detail").GetString() ?? "";

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        WebSetup.Configure(options);
        return options;
    }
}

internal static class PostOfficeState
{
    /// <summary>Files in the document store (originals, converted pages, received faxes).</summary>
    public static IReadOnlyList<string> StoredFiles(this TestPostOffice office)
    {
        string root = ((FileDocumentStore)office.Documents).Root;
        Assert.True(System.IO.Directory.Exists(root), $"the document store {root} is missing");
        return System.IO.Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList();
    }

    public static async Task<int> JobCountAsync(this TestPostOffice office) =>
        (await office.Store.Jobs.QueryAsync(new JobQuery(Limit: 10_000), CancellationToken.None)).Count;
}

/// <summary>One post office shared by the tests of a class (each test makes its own users and faxes).</summary>
public sealed class SharedPostOffice : IAsyncLifetime
{
    internal TestPostOffice Office { get; private set; } = null!;

    public async Task InitializeAsync() => Office = await TestPostOffice.StartAsync(runScheduler: false);

    public async Task DisposeAsync() => await Office.DisposeAsync();
}
