using FaxPost.Core;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Lines;
using FaxPost.Core.Storage;
using FaxPost.Gateways.Mail;
using FaxPost.Storage;
using FaxPost.Storage.Documents;
using FaxPost.Telephony.Lines;
using FaxPost.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxPost.Cli.Server;

/// <summary>Composes the server: configuration, stores, the post office, the web front door, background work.</summary>
internal static class FaxPostHost
{
    public static WebApplication Build(ConfigurationLoader.Settings settings, IConfiguration configuration, Action<IServiceCollection>? extraServices = null)
    {
        var options = settings.Core;
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        builder.WebHost.UseUrls(options.Web.Urls);
        builder.Host.UseSystemd();
        ConfigureLogging(builder.Logging, configuration);
        AddServices(builder.Services, options);
        builder.Services.AddHostedService<PostOfficeWorker>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.AddFaxPostWeb();
        if (settings.Mail is not null)
        {
            builder.Services.AddMailGateway(settings.Mail);
        }

        if (settings.Sip is not null)
        {
            // The SIP trunks are the post office's fax line; disposed (unregistered) when the host stops.
            builder.Services.AddSingleton<IFaxLine>(sp => new SipFaxLine(
                new SipFaxLineOptions { Sip = settings.Sip, Numbering = options.Numbering.Build() },
                sp.GetRequiredService<ILoggerFactory>(),
                sp.GetService<TimeProvider>()));
        }

        extraServices?.Invoke(builder.Services);
        var app = builder.Build();
        app.MapFaxPostWeb();
        return app;
    }

    /// <summary>The services without the web server and background work, for init/cleanup/tools.</summary>
    public static ServiceProvider BuildOffline(FaxPostOptions options)
    {
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        AddServices(services, options);
        return services.BuildServiceProvider();
    }

    /// <summary>Creates the data directory and brings the schema up to date; returns the schema version.</summary>
    public static async Task<int> PrepareAsync(IServiceProvider services, CancellationToken ct)
    {
        var options = services.GetRequiredService<FaxPostOptions>();
        Directory.CreateDirectory(options.DataDirectory);
        return await services.GetRequiredService<IPostOfficeStore>().MigrateAsync(ct).ConfigureAwait(false);
    }

    private static void AddServices(IServiceCollection services, FaxPostOptions options)
    {
        Directory.CreateDirectory(options.DataDirectory);
        services.AddPostOffice(options);
        services.AddSingleton<IPostOfficeStore>(_ => PostOfficeStoreFactory.Create(options.Database.Provider, options.Database.ConnectionString, options.DataDirectory));
        services.AddSingleton<IDocumentStore>(_ => new FileDocumentStore(Path.Combine(options.DataDirectory, "documents")));
    }

    private static void ConfigureLogging(ILoggingBuilder logging, IConfiguration configuration)
    {
        logging.ClearProviders();
        if (string.Equals(configuration["Logging:Format"], "json", StringComparison.OrdinalIgnoreCase))
        {
            logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ");
        }
        else
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss ";
                o.UseUtcTimestamp = true;
            });
        }
    }
}
