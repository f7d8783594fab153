using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Storage;
using FaxPost.Storage.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace FaxPost.Core.Tests.Fixtures;

/// <summary>
/// A post office on a real SQLite database and document store in a temporary directory,
/// with a fake clock and scripted lines, for scheduler, rights and service tests.
/// </summary>
public sealed class PostOffice : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private Task? _conversion;

    private PostOffice(ServiceProvider services, string directory, FakeTimeProvider time)
    {
        _services = services;
        Directory = directory;
        Time = time;
    }

    public string Directory { get; }

    public FakeTimeProvider Time { get; }

    public IPostOfficeStore Store => Get<IPostOfficeStore>();

    public IDocumentStore Documents => Get<IDocumentStore>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>
    /// Runs the conversion worker (real Ghostscript and codecs) until the post office is disposed, so
    /// <see cref="JobService.SubmitAsync"/> gets its answer: without it a submission waits for a
    /// conversion that never comes (the fake clock never ends the wait).
    /// </summary>
    public void RunConversion() => _conversion ??= Get<ConversionWorker>().RunAsync(1, _stop.Token);

    public static Task<PostOffice> StartAsync(Action<FaxPostOptions>? configure = null, params IFaxLine[] lines) =>
        StartAsync(configure, null, lines);

    /// <summary>As above, with extra services (observers, a stand-in document factory).</summary>
    public static async Task<PostOffice> StartAsync(Action<FaxPostOptions>? configure, Action<IServiceCollection>? extra, params IFaxLine[] lines)
    {
        string directory = Path.Combine(Path.GetTempPath(), "faxpost-test-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new FaxPostOptions { DataDirectory = directory, Security = new SecurityOptions { PasswordIterations = 10_000 } };
        options.Limits.MinFreeDiskBytes = 0;
        configure?.Invoke(options);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddPostOffice(options);
        services.AddSingleton<TimeProvider>(time);
        services.AddSingleton<IPostOfficeStore>(_ => PostOfficeStoreFactory.Create("sqlite", null, directory));
        services.AddSingleton<IDocumentStore>(_ => new FileDocumentStore(Path.Combine(directory, "documents")));
        foreach (var line in lines)
        {
            services.AddSingleton(line);
        }

        extra?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IPostOfficeStore>().MigrateAsync(CancellationToken.None);
        return new PostOffice(provider, directory, time);
    }

    /// <summary>Creates a user with a personal mailbox (and extension, if given); returns its principal.</summary>
    public async Task<Principal> UserAsync(string login, string? extension = null, Role roles = Role.None)
    {
        var accounts = Get<AccountService>();
        var user = await accounts.CreateUserAsync(Principal.System, new NewUser(login, login, $"{login}@example.org", "password-" + login, roles, extension), CancellationToken.None);
        return (await accounts.PrincipalForAsync(user.Id, "test", CancellationToken.None))!;
    }

    public async Task<long> MailboxOfAsync(Principal user) =>
        (await Get<AccountService>().PersonalMailboxAsync(user.UserId, CancellationToken.None))!.Id;

    /// <summary>Puts a converted job straight into the queue (conversion is tested elsewhere).</summary>
    public async Task<FaxJob> QueueJobAsync(Principal by, string number, int pages = 3, int priority = JobDefaults.Priority, DateTimeOffset? notBefore = null, int maxTries = 3)
    {
        var numbering = Get<FaxPostOptions>().Numbering.Build();
        var parsed = numbering.Parse(number);
        long? internalMailbox = parsed.Kind == FaxPost.Core.Numbering.NumberKind.Extension
            ? (await Store.Mailboxes.FindByExtensionAsync(parsed.ExtensionDigits!, CancellationToken.None))?.Id
            : null;
        await using var tiff = new MemoryStream(System.Text.Encoding.ASCII.GetBytes("II*\0 test pages"));
        var file = await Documents.SaveAsync("outbound", "tif", tiff, long.MaxValue, CancellationToken.None);
        var now = Time.GetUtcNow();
        var job = new FaxJob
        {
            MailboxId = await MailboxOfAsync(by),
            SubmittedBy = by.UserId,
            Destination = number,
            DialNumber = parsed.E164!,
            InternalMailboxId = internalMailbox,
            Priority = priority,
            NotBefore = notBefore,
            MaxTries = maxTries,
            State = JobState.Queued,
            PageCount = pages,
            FaxDocument = file.RelativePath,
            CreatedAt = now,
            UpdatedAt = now,
        };
        long group = await Store.Jobs.CreateSubmissionAsync([], [job], CancellationToken.None);
        return (await Store.Jobs.QueryAsync(new JobQuery(GroupId: group), CancellationToken.None)).Single();
    }

    /// <summary>Waits (real time, generous deadline — not a timing assertion) until the job satisfies the condition.</summary>
    public async Task<FaxJob> WaitForAsync(long jobId, Func<FaxJob, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var job = await Store.Jobs.GetAsync(jobId, CancellationToken.None);
            if (job is not null && condition(job))
            {
                return job;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Job {jobId} never became {what}; it is {job?.State} ({job?.LastError}).");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_conversion is not null)
        {
            try
            {
                await _conversion;
            }
            catch (OperationCanceledException)
            {
            }
        }

        _stop.Dispose();
        await _services.DisposeAsync();
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
