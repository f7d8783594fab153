using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using FaxPost.Web.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Ui;

/// <summary>
/// Ties a browser session to the password it was opened with: the cookie carries a digest of the
/// stored password hash, so a password change or reset ends every other session at its next request.
/// </summary>
internal static class SessionStamp
{
    public const string ClaimType = "faxpost:stamp";

    public static string Of(User user) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("faxpost-session:" + (user.PasswordHash ?? ""))))[..32];

    /// <summary>Starts (or renews) the cookie session of a user.</summary>
    public static async Task SignInAsync(HttpContext context, Principal principal, User user)
    {
        var claims = CallerExtensions.ToClaims(principal, UiSetup.CookieScheme);
        ((ClaimsIdentity)claims.Identity!).AddClaim(new Claim(ClaimType, Of(user)));
        await context.SignInAsync(UiSetup.CookieScheme, claims, new AuthenticationProperties { IsPersistent = false }).ConfigureAwait(false);
    }

    /// <summary>Cookie event: rejects a session whose password has changed since it began (or whose user is gone).</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        string? id = context.Principal?.FindFirstValue(ClaimTypes.NameIdentifier);
        string? stamp = context.Principal?.FindFirstValue(ClaimType);
        var store = context.HttpContext.RequestServices.GetRequiredService<IPostOfficeStore>();
        var user = long.TryParse(id, out long userId) ? await store.Users.GetAsync(userId, context.HttpContext.RequestAborted).ConfigureAwait(false) : null;
        if (user is null || stamp is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stamp), Encoding.ASCII.GetBytes(Of(user))))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(UiSetup.CookieScheme).ConfigureAwait(false);
        }
    }
}
