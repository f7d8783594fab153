using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Gateways.Mail;
using FaxPost.Storage;
using FaxPost.Storage.Documents;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxPost.Gateways.Tests.Fixtures;

/// <summary>
/// A post office on a real SQLite store in a temporary directory with the mail gateway added, its
/// conversion worker, scheduler and mail outbox running (real clock), talking to the test mail servers.
/// </summary>
public sealed class MailPostOffice : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _loops;

    private MailPostOffice(ServiceProvider services, string directory, MailGatewayOptions options, bool runOutbox)
    {
        _services = services;
        Directory = directory;
        Options = options;
        var loops = new List<Task> { Get<ConversionWorker>().RunAsync(1, _stop.Token), Get<FaxScheduler>().RunAsync(_stop.Token) };
        if (runOutbox)
        {
            loops.Add(Get<MailOutbox>().RunAsync(_stop.Token));
        }

        _loops = [.. loops];
    }

    /// <summary>Leave the data directory behind on dispose (a restart test opens it again).</summary>
    public bool KeepDirectory { get; set; }

    public string Directory { get; }

    public MailGatewayOptions Options { get; }

    public IPostOfficeStore Store => Get<IPostOfficeStore>();

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A unique address at the SMTP sink (the spool is shared by all test runs).</summary>
    public static string Address(string name) => $"{name}-{Guid.NewGuid():N}@example.org";

    /// <summary>Mail options for the test servers: IMAP with STARTTLS, SMTP submission with STARTTLS and AUTH, self-signed certificates accepted.</summary>
    public static MailGatewayOptions ServerOptions() => new()
    {
        MailToFax = true,
        Fetch = new MailServerOptions { Host = MailServers.Host, Port = MailServers.Imap, Security = MailSecurity.StartTls, IgnoreInvalidCertificates = true, UserName = MailServers.User, Password = MailServers.Password, Timeout = TimeSpan.FromSeconds(20) },
        Smtp = new MailServerOptions { Host = MailServers.Host, Port = MailServers.SmtpSubmission, Security = MailSecurity.StartTls, IgnoreInvalidCertificates = true, UserName = MailServers.User, Password = MailServers.Password, Timeout = TimeSpan.FromSeconds(20) },
        FromAddress = "faxpost@faxpost.test",
        SmtpRetryDelay = TimeSpan.FromMilliseconds(200),
        SmtpMaxTries = 3,
        PollInterval = TimeSpan.FromSeconds(2),
    };

    /// <param name="directory">An existing data directory (a restart), or null for a new one.</param>
    /// <param name="runOutbox">False: mails stay queued until a test sends them (<see cref="MailOutbox.SendDueAsync"/>).</param>
    /// <param name="configure">Changes to the post office's options (dialing rules, ...).</param>
    public static async Task<MailPostOffice> StartAsync(MailGatewayOptions? mail = null, Action<IServiceCollection>? replace = null, string? directory = null, bool runOutbox = true, Action<FaxPostOptions>? configure = null)
    {
        mail ??= ServerOptions();
        directory ??= Path.Combine(Path.GetTempPath(), "faxpost-mailtest-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new FaxPostOptions { DataDirectory = directory, Security = new SecurityOptions { PasswordIterations = 10_000 } };
        options.Limits.MinFreeDiskBytes = 0;
        configure?.Invoke(options);
        var services = new ServiceCollection();
        services.AddLogging(l => l.SetMinimumLevel(LogLevel.Warning));
        services.AddPostOffice(options);
        services.AddSingleton<IPostOfficeStore>(_ => PostOfficeStoreFactory.Create("sqlite", null, directory));
        services.AddSingleton<IDocumentStore>(_ => new FileDocumentStore(Path.Combine(directory, "documents")));
        services.AddSingleton<IFaxDocumentFactory>(_ => new ImagingFaxDocumentFactory());
        services.AddMailGateway(mail);
        replace?.Invoke(services);
        var provider = services.BuildServiceProvider();
        await provider.GetRequiredService<IPostOfficeStore>().MigrateAsync(CancellationToken.None);
        return new MailPostOffice(provider, directory, mail, runOutbox);
    }

    /// <summary>Creates a user (personal mailbox with the extension, e-mail address) and returns it.</summary>
    public async Task<User> UserAsync(string login, string email, string? extension = null, string? pin = null)
    {
        var accounts = Get<AccountService>();
        var user = await accounts.CreateUserAsync(Principal.System, new NewUser(login, login, email, "password-" + login, Role.None, extension), CancellationToken.None);
        if (pin is not null)
        {
            await accounts.SetPinAsync(Principal.System, user.Id, pin, CancellationToken.None);
            user = (await Store.Users.GetAsync(user.Id, CancellationToken.None))!;
        }

        return user;
    }

    public async Task<IReadOnlyList<FaxJob>> JobsOfAsync(User user)
    {
        var mailbox = await Get<AccountService>().PersonalMailboxAsync(user.Id, CancellationToken.None);
        return await Store.Jobs.QueryAsync(new JobQuery(MailboxIds: [mailbox!.Id]), CancellationToken.None);
    }

    /// <summary>Waits (real time, generous deadline) until the condition holds.</summary>
    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Never happened: {what} (last: {value}).");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await Task.WhenAll(_loops);
        }
        catch (OperationCanceledException)
        {
        }

        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!KeepDirectory)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        _stop.Dispose();
    }
}
