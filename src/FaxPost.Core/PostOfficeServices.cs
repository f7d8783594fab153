using FaxPost.Core.Accounts;
using FaxPost.Core.AddressBook;
using FaxPost.Core.Configuration;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Log;
using FaxPost.Core.Numbering;
using FaxPost.Core.Retention;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Statistics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FaxPost.Core;

/// <summary>Registers the post office's services. The host adds the store (IPostOfficeStore,
/// IDocumentStore), the lines (IFaxLine) and any observers; the document factory defaults to
/// the Ghostscript + own-codec one.</summary>
public static class PostOfficeServices
{
    public static IServiceCollection AddPostOffice(this IServiceCollection services, FaxPostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(options.Limits);
        services.AddSingleton<OrganisationNumbering>(_ => options.Numbering.Build());
        services.AddSingleton(sp => new DialingPolicy(options.Dialing, options.Numbering, sp.GetRequiredService<Storage.IPostOfficeStore>()));
        services.AddSingleton(_ => new LineBudget(options.Lines.Total, options.Lines.ReservedInbound));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<AuthorizationService>();
        services.AddSingleton(sp => new AccountService(sp.GetRequiredService<Storage.IPostOfficeStore>(), sp.GetRequiredService<TimeProvider>(), options.Security.PasswordIterations, sp.GetService<Microsoft.Extensions.Logging.ILogger<AccountService>>()));
        services.AddSingleton<NotificationPreferences>();
        services.AddSingleton<Observers>();
        services.AddSingleton<InboundRouter>();
        services.AddSingleton<FaxIntake>();
        services.AddSingleton<InboxService>();
        services.AddSingleton<DiskGuard>();
        services.AddSingleton<InboundCallSink>();
        services.AddSingleton<IInboundCallSink>(sp => sp.GetRequiredService<InboundCallSink>());
        services.AddSingleton<JobProgressHub>();
        services.AddSingleton<FaxScheduler>();
        services.AddSingleton<ConversionWorker>();
        services.AddSingleton<JobService>();
        services.TryAddSingleton<IFaxDocumentFactory>(_ => new ImagingFaxDocumentFactory(new Imaging.Conversion.ConverterSettings { TempDirectory = Path.Combine(options.DataDirectory, "tmp") }));
        services.AddSingleton<AddressBookService>();
        services.AddSingleton<LogService>();
        services.AddSingleton<RetentionService>();
        services.AddSingleton<RoutingRuleService>();
        services.AddSingleton<UsageStatistics>();
        return services;
    }
}
