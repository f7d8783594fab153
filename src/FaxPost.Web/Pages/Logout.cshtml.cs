using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaxPost.Web.Pages;

/// <summary>Ends the session (POST only, with the anti-forgery token, so no link can log a user out).</summary>
public sealed class LogoutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(UiSetup.CookieScheme).ConfigureAwait(false);
        return Redirect(UiSetup.LoginPath);
    }
}
