using FaxPost.Core.Accounts;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaxPost.Web.Pages;

/// <summary>Log-in with login and password (the post office's lock-out applies), then a cookie session.</summary>
public sealed class LoginModel(AccountService accounts, IPostOfficeStore store) : PageModel
{
    public string? Error { get; private set; }

    public string? Login { get; private set; }

    public string? ReturnUrl { get; private set; }

    public IActionResult OnGet(string? returnUrl)
    {
        ReturnUrl = returnUrl;
        return User.Identity?.IsAuthenticated == true ? LocalRedirect(Target(returnUrl)) : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? login, string? password, string? returnUrl, CancellationToken ct)
    {
        Login = login;
        ReturnUrl = returnUrl;
        if (string.IsNullOrWhiteSpace(login) || string.IsNullOrEmpty(password))
        {
            Error = "Enter your login and password.";
            return Page();
        }

        var result = await accounts.LogInAsync(login.Trim(), password, "web", ct).ConfigureAwait(false);
        if (result.Principal is null)
        {
            Error = result.Failure switch
            {
                LoginFailure.LockedOut => $"Too many failed log-ins: the account is locked until {result.LockedUntil:yyyy-MM-dd HH:mm} UTC.",
                LoginFailure.Inactive => "This account is deactivated. Ask the fax post office.",
                _ => "The login or password is wrong.",
            };
            Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
            return Page();
        }

        var user = await store.Users.GetAsync(result.Principal.UserId, ct).ConfigureAwait(false);
        if (user is null)
        {
            Error = "The login or password is wrong.";
            Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status401Unauthorized;
            return Page();
        }

        await SessionStamp.SignInAsync(HttpContext, result.Principal, user).ConfigureAwait(false);
        return LocalRedirect(Target(returnUrl));
    }

    private string Target(string? returnUrl) => !string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) && !returnUrl.StartsWith("/login", StringComparison.OrdinalIgnoreCase) ? returnUrl : "/";
}
