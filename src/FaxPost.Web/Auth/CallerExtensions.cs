using System.Security.Claims;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Auth;

/// <summary>Where a request keeps its caller (the post office's <see cref="Principal"/>).</summary>
public static class CallerExtensions
{
    private static readonly object Key = new();

    /// <summary>The front door name written to audit trails for REST requests.</summary>
    public const string Via = "rest";

    public static void SetCaller(this HttpContext context, Principal principal)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Items[Key] = principal;
    }

    public static Principal? FindCaller(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out object? value) ? value as Principal : null;
    }

    /// <summary>The caller of an authenticated request (endpoints require authentication, so it is there).</summary>
    public static Principal Caller(this HttpContext context) =>
        context.FindCaller() ?? throw new InvalidOperationException("The request has no authenticated caller.");

    /// <summary>
    /// For schemes that only carry the user id (cookies): re-reads the user on each request, so
    /// rights changes and deactivation apply at once. Returns false when the user is gone.
    /// </summary>
    internal static async Task<bool> ResolveCallerAsync(this HttpContext context, string via)
    {
        if (context.FindCaller() is not null || context.User.Identity?.IsAuthenticated != true)
        {
            return true;
        }

        string? id = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (!long.TryParse(id, out long userId))
        {
            return false;
        }

        var accounts = context.RequestServices.GetRequiredService<AccountService>();
        var principal = await accounts.PrincipalForAsync(userId, via, context.RequestAborted).ConfigureAwait(false);
        if (principal is null)
        {
            return false;
        }

        context.SetCaller(principal);
        return true;
    }

    internal static ClaimsPrincipal ToClaims(Principal principal, string scheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, principal.UserId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, principal.Login),
        };
        if (principal.IsAdministrator)
        {
            claims.Add(new Claim(ClaimTypes.Role, "administrator"));
        }

        if (principal.IsPostOffice)
        {
            claims.Add(new Claim(ClaimTypes.Role, "postOffice"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
