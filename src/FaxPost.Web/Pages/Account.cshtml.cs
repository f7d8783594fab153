using FaxPost.Core;
using FaxPost.Core.Accounts;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Mvc;

namespace FaxPost.Web.Pages;

/// <summary>The user's own account: password change and API tokens.</summary>
public sealed class AccountModel(AccountService accounts, IPostOfficeStore store) : FaxPostPageModel
{
    public IReadOnlyList<ApiToken> Tokens { get; private set; } = [];

    public string? PasswordError { get; private set; }

    public string? TokenError { get; private set; }

    /// <summary>A token created by this request (its secret is never shown again).</summary>
    public string? NewSecret { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => Tokens = await accounts.TokensAsync(Caller, ct).ConfigureAwait(false);

    public Task<IActionResult> OnPostPasswordAsync(string? current, string? @new, string? repeat, CancellationToken ct) =>
        SubmitFormAsync(async () =>
        {
            if (string.IsNullOrEmpty(current) || string.IsNullOrEmpty(@new))
            {
                throw new ValidationException("Enter your current and your new password.");
            }

            if (@new != repeat)
            {
                throw new ValidationException("The two new passwords differ.");
            }

            // Always the current password, administrators too (a session left open must not change it);
            // a wrong one counts towards the lock-out like a failed log-in.
            var check = await accounts.LogInAsync(Caller.Login, current, "web", ct).ConfigureAwait(false);
            if (check.Principal is null)
            {
                throw new ValidationException(check.Failure == LoginFailure.LockedOut ? "Too many wrong passwords: the account is locked for a while." : "The current password is wrong.");
            }

            await accounts.SetPasswordAsync(Caller, Caller.UserId, current, @new, ct).ConfigureAwait(false);
            // Other sessions end (their stamp no longer matches); this one is renewed.
            var user = await store.Users.GetAsync(Caller.UserId, ct).ConfigureAwait(false);
            if (user is not null)
            {
                await SessionStamp.SignInAsync(HttpContext, Caller, user).ConfigureAwait(false);
            }

            Flash("Your password is changed. Other sessions of yours are logged out.");
            return RedirectToPage();
        }, () => OnGetAsync(ct), showError: m => PasswordError = m);

    public Task<IActionResult> OnPostCreateTokenAsync(string? name, int? days, CancellationToken ct) =>
        SubmitFormAsync(async () =>
        {
            if (days is < 1 or > 3650)
            {
                throw new ValidationException("A token lives 1 to 3650 days (or leave the field empty for no expiry).");
            }

            var (_, secret) = await accounts.CreateTokenAsync(Caller, name ?? "", days is { } d ? TimeSpan.FromDays(d) : null, ct).ConfigureAwait(false);
            NewSecret = secret;
            await OnGetAsync(ct).ConfigureAwait(false);
            return Page();
        }, () => OnGetAsync(ct), showError: m => TokenError = m);

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken ct)
    {
        await accounts.RevokeTokenAsync(Caller, id, ct).ConfigureAwait(false);
        Flash("The token is revoked.");
        return RedirectToPage();
    }
}
