using FaxPost.Core.Configuration;
using FaxPost.Web.Api;
using FaxPost.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxPost.Web.Ui;

/// <summary>
/// The web UI: server-rendered Razor Pages (Pages/) with a cookie session, on the same post office
/// services and rights as the REST API. Called from <see cref="WebSetup"/>; the host does nothing extra.
/// </summary>
internal static class UiSetup
{
    public const string CookieScheme = "FaxPost.Browser";
    public const string LoginPath = "/login";

    public static IServiceCollection AddFaxPostUi(this IServiceCollection services)
    {
        services.Configure<FaxPostWebOptions>(o => o.BrowserScheme = CookieScheme);
        services.Configure<Microsoft.AspNetCore.Routing.RouteOptions>(o => o.LowercaseUrls = true);
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Login");
            o.Conventions.AllowAnonymousToPage("/Error");
            o.Conventions.ConfigureFilter(new PageErrorFilter());
        }).AddApplicationPart(typeof(UiSetup).Assembly).AddCookieTempDataProvider(o =>
        {
            o.Cookie.Name = "faxpost.flash";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        // The send page takes uploads up to Limits:MaxUploadBytes (plus multipart framing); other pages keep the server's limit.
        services.AddOptions<RazorPagesOptions>().Configure<LimitOptions>((o, limits) =>
            o.Conventions.AddPageApplicationModelConvention("/Send/Index", page =>
            {
                page.Filters.Add(new RequestSizeLimitAttribute(BodyLimits.UploadLimit(limits)));
                page.Filters.Add(new RequestFormLimitsAttribute { MultipartBodyLengthLimit = BodyLimits.UploadLimit(limits) });
                page.Filters.Add(new UploadLimitFilter(limits));
            }));

        services.AddAuthentication().AddCookie(CookieScheme, o =>
        {
            o.Cookie.Name = "faxpost.session";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = LoginPath;
            o.LogoutPath = "/logout";
            o.AccessDeniedPath = "/error/403";
            o.ReturnUrlParameter = "returnUrl";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = SessionStamp.ValidateAsync;
            o.Events.OnRedirectToLogin = c => Refuse(c, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = c => Refuse(c, StatusCodes.Status403Forbidden);
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "faxpost.antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
            o.HeaderName = "X-FaxPost-Antiforgery";
        });

        // Keys under the data directory, so sessions and anti-forgery tokens survive a restart.
        services.AddDataProtection().SetApplicationName("FaxPost");
        services.AddOptions<KeyManagementOptions>().Configure<FaxPostOptions, ILoggerFactory>((o, faxpost, logs) =>
            o.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(faxpost.DataDirectory, "keys")), logs));

        services.AddScoped<WebUserAccessor>();
        services.AddSingleton<SendDrafts>();
        return services;
    }

    /// <summary>Security headers on every answer (API and pages, errors included): the first middleware.</summary>
    public static void UseFaxPostUiHeaders(this IApplicationBuilder app) => app.UseMiddleware<SecurityHeaders>();

    /// <summary>Empty error answers of pages (not of the API, whose errors are problem details) render the error page.</summary>
    public static void UseFaxPostUiStatusPages(this IApplicationBuilder app) =>
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal), b => b.UseStatusCodePagesWithReExecute("/error/{0}"));

    public static void MapFaxPostUi(this WebApplication app)
    {
        app.MapGet("/assets/{name}", Assets.Serve).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();
        app.MapUiEndpoints();
    }

    /// <summary>A browser that must log in goes to the log-in page; a script (fetch, /api) gets the status.</summary>
    private static Task Refuse(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        var request = context.Request;
        bool page = HttpMethods.IsGet(request.Method) && !request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            && !request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal)
            && !request.Headers.ContainsKey("X-FaxPost-Fetch");
        if (status == StatusCodes.Status401Unauthorized && page)
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }

        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>The browser's session ended (user deactivated or deleted): drop the cookie and log in again.</summary>
    internal static async Task EndSessionAsync(HttpContext context)
    {
        await context.SignOutAsync(CookieScheme).ConfigureAwait(false);
        if (HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect(LoginPath);
        }
        else
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        }
    }

    internal static bool IsBrowserRequest(HttpContext context) =>
        context.User.Identity?.AuthenticationType == CookieScheme;
}
