using System.Text.Json;
using System.Text.Json.Serialization;
using FaxPost.Core;
using FaxPost.Core.Rights;
using FaxPost.Web.Api;
using FaxPost.Web.Auth;
using FaxPost.Web.Problems;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FaxPost.Web;

/// <summary>
/// The REST API front door and the web UI (Ui/, Pages/). The host registers the post office (AddPostOffice, stores, lines),
/// then calls <see cref="AddFaxPostWeb"/> on the services and <see cref="MapFaxPostWeb"/> on the app.
/// Everything lives under /api/v1 (JSON, camelCase, enums as strings; errors as RFC 9457 problem
/// details) and the OpenAPI document at /openapi/v1.json.
/// </summary>
public static class WebSetup
{
    public static IServiceCollection AddFaxPostWeb(this IServiceCollection services)
    {
        services.AddOptions<FaxPostWebOptions>();
        services.AddProblemDetails();
        services.AddExceptionHandler<UiExceptionHandler>(); // first: pages get the error page, the API problem details
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true); // binding errors reach the problem mapper with their reason
        services.AddHttpContextAccessor();
        services.AddScoped<Principal>(sp => sp.GetRequiredService<IHttpContextAccessor>().HttpContext?.Caller()
            ?? throw new InvalidOperationException("There is no request."));
        services.AddSingleton<IPostOfficeObserver, ProgressRelay>();
        services.AddFaxPostUi();

        services.AddAuthentication(FaxPostSchemes.Default)
            .AddPolicyScheme(FaxPostSchemes.Default, "FaxPost", o => o.ForwardDefaultSelector = SelectScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiAuthenticationHandler>(FaxPostSchemes.Api, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(FaxPostSchemes.Default).RequireAuthenticatedUser().Build());

        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FaxPost API";
            document.Info.Description = "Send and receive faxes through the FaxPost post office. Authenticate with 'Authorization: Bearer fp_...' (an API token) or HTTP Basic.";
            return Task.CompletedTask;
        }));
        return services;
    }

    public static WebApplication MapFaxPostWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseFaxPostUiHeaders();
        app.UseFaxPostUiStatusPages(); // outside the exception handler: it shows the error page for a page's exception too
        app.UseExceptionHandler();
        // Empty error answers under /api become problem details; the web UI keeps its own pages.
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), b => b.UseStatusCodePages());
        app.UseRouting();
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            // Browser sessions carry only the user id: take the user's current roles and teams.
            if (!await context.ResolveCallerAsync("web").ConfigureAwait(false))
            {
                if (UiSetup.IsBrowserRequest(context))
                {
                    await UiSetup.EndSessionAsync(context).ConfigureAwait(false);
                    return;
                }

                await context.ChallengeAsync(FaxPostSchemes.Api).ConfigureAwait(false);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
        app.UseAuthorization();
        app.UseBodyLimits();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        var api = app.MapGroup("/api/v1").RequireAuthorization();
        JobEndpoints.Map(api);
        FaxEndpoints.Map(api);
        AccountEndpoints.Map(api);
        NotificationEndpoints.Map(api);
        AddressBookEndpoints.Map(api);
        AdminEndpoints.Map(api);
        app.MapFaxPostUi();
        return app;
    }

    /// <summary>The JSON shape of the API, also for clients that read it (the CLI).</summary>
    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
    }

    private static string SelectScheme(HttpContext context)
    {
        // The API never takes the browser's cookie: its POSTs have no anti-forgery check.
        if (context.Request.Headers.Authorization.Count > 0 || context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return FaxPostSchemes.Api;
        }

        return context.RequestServices.GetRequiredService<IOptions<FaxPostWebOptions>>().Value.BrowserScheme ?? FaxPostSchemes.Api;
    }
}
