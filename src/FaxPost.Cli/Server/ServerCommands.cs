using System.CommandLine;
using FaxPost.Core.Accounts;
using FaxPost.Core.Retention;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Cli.Server;

/// <summary>The server-side verbs: serve, init, cleanup, check-config.</summary>
internal static class ServerCommands
{
    public static void AddTo(RootCommand root, Action<IServiceCollection>? extraServices)
    {
        var config = new Option<string?>("--config", "-c") { Description = "Path of faxpost.json (default: $FAXPOST_CONFIG, ./faxpost.json, /etc/faxpost/faxpost.json)", Recursive = true };
        root.Options.Add(config);

        var serve = new Command("serve", "Run the fax server (web UI, REST API, queue, lines) until stopped.");
        serve.SetAction((result, ct) => ServeAsync(result.GetValue(config), extraServices, ct));
        root.Subcommands.Add(serve);

        var admin = new Option<string>("--admin") { Description = "Login of the first administrator", DefaultValueFactory = _ => "admin" };
        var init = new Command("init", "Create the data directory, the database schema and a first administrator (password printed once).") { admin };
        init.SetAction((result, ct) => InitAsync(result.GetValue(config), result.GetValue(admin)!, ct));
        root.Subcommands.Add(init);

        var dryRun = new Option<bool>("--dry-run") { Description = "Only list what would be deleted" };
        var cleanup = new Command("cleanup", "Delete faxes and documents older than the retention time.") { dryRun };
        cleanup.SetAction((result, ct) => CleanupAsync(result.GetValue(config), result.GetValue(dryRun), ct));
        root.Subcommands.Add(cleanup);

        root.Subcommands.Add(ConvertCommand.Create());
        root.Subcommands.Add(T38Command.Create());

        var check = new Command("check-config", "Validate the configuration and print the effective settings.");
        check.SetAction((result, _) => Task.FromResult(CheckConfig(result.GetValue(config))));
        root.Subcommands.Add(check);
    }

    private static async Task<int> ServeAsync(string? configPath, Action<IServiceCollection>? extraServices, CancellationToken ct)
    {
        var (settings, configuration, errors) = ConfigurationLoader.Load(configPath);
        if (settings is null)
        {
            return ReportErrors(errors);
        }

        var app = FaxPostHost.Build(settings, configuration, extraServices);
        await FaxPostHost.PrepareAsync(app.Services, ct).ConfigureAwait(false);
        await app.RunAsync(ct).ConfigureAwait(false);
        return 0;
    }

    private static async Task<int> InitAsync(string? configPath, string adminLogin, CancellationToken ct)
    {
        var (settings, _, errors) = ConfigurationLoader.Load(configPath);
        if (settings is null)
        {
            return ReportErrors(errors);
        }

        var options = settings.Core;

        await using var services = FaxPostHost.BuildOffline(options);
        int version = await FaxPostHost.PrepareAsync(services, ct).ConfigureAwait(false);
        string? password = await services.GetRequiredService<AccountService>().InitialiseAsync(adminLogin, ct).ConfigureAwait(false);
        Console.WriteLine($"Data directory: {options.DataDirectory}");
        Console.WriteLine($"Database: {options.Database.Provider}, schema version {version}");
        if (password is null)
        {
            Console.WriteLine("Users exist already; no administrator was created.");
        }
        else
        {
            Console.WriteLine($"Administrator '{adminLogin}' created with the password: {password}");
            Console.WriteLine("Write it down now: it is not shown again and not stored in plain text.");
        }

        return 0;
    }

    private static async Task<int> CleanupAsync(string? configPath, bool dryRun, CancellationToken ct)
    {
        var (settings, _, errors) = ConfigurationLoader.Load(configPath);
        if (settings is null)
        {
            return ReportErrors(errors);
        }

        var options = settings.Core;

        await using var services = FaxPostHost.BuildOffline(options);
        await FaxPostHost.PrepareAsync(services, ct).ConfigureAwait(false);
        var retention = services.GetRequiredService<RetentionService>();
        int days = await retention.DefaultDaysAsync(ct).ConfigureAwait(false);
        var items = await retention.RunAsync(Principal.System, dryRun, ct).ConfigureAwait(false);
        Console.WriteLine($"{(dryRun ? "Would delete" : "Deleted")} {items.Count} item(s) older than the retention time ({days} days by default):");
        foreach (var item in items)
        {
            Console.WriteLine($"  {item.Date:yyyy-MM-dd HH:mm}  {item.Description}");
        }

        return 0;
    }

    private static int CheckConfig(string? configPath)
    {
        var (settings, _, errors) = ConfigurationLoader.Load(configPath);
        if (settings is null)
        {
            return ReportErrors(errors);
        }

        var options = settings.Core;

        Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(options, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine(settings.Mail is null ? "Mail gateway: not configured" : $"Mail gateway: SMTP {settings.Mail.Smtp.Host}:{settings.Mail.Smtp.Port}, mail-to-fax {(settings.Mail.MailToFax ? "on" : "off")}");
        Console.WriteLine(settings.Sip is null
            ? "SIP: not configured"
            : $"SIP: listening on {string.Join(", ", settings.Sip.Listen.Select(l => $"{l.Transport} {l.Address}:{l.Port}"))}; trunks: {string.Join(", ", settings.Sip.Trunks.Select(t => $"{t.Name} ({t.Registrar}, {t.Channels} channel(s), T.38 {t.T38})"))}");
        return 0;
    }

    private static int ReportErrors(IReadOnlyList<string> errors)
    {
        Console.Error.WriteLine("faxpost: the configuration is not valid:");
        foreach (string error in errors)
        {
            Console.Error.WriteLine("  - " + error);
        }

        return 2;
    }
}
