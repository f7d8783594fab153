using FaxPost.Core;
using FaxPost.Core.Rights;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Ui;

/// <summary>
/// Base of every logged-in page: <see cref="Me"/> (the user, their mailboxes and rights) is loaded
/// before the handler runs; <see cref="Flash"/> leaves a message for the next page (post/redirect/get).
/// Rights are checked by the Core service each handler calls, never only by hiding a button.
/// </summary>
public abstract class FaxPostPageModel : PageModel
{
    private WebUser? _me;

    /// <summary>The logged-in user (loaded before any handler runs).</summary>
    public WebUser Me => _me ?? throw new InvalidOperationException("The page has no logged-in user.");

    /// <summary>The caller to hand to Core services.</summary>
    public Principal Caller => Me.Principal;

    [TempData]
    public string? FlashMessage { get; set; }

    /// <summary>Why the last form was refused, shown above it (set by <see cref="SubmitFormAsync"/>).</summary>
    public string? Error { get; protected set; }

    /// <summary>A message shown once at the top of the next page.</summary>
    protected void Flash(string message) => FlashMessage = message;

    /// <summary>
    /// Runs a form's POST. When the post office refuses the input in words (a <see cref="ValidationException"/>,
    /// or what <paramref name="alsoRefused"/> accepts, e.g. a duplicate name), the same page is shown again with
    /// the message and status 400 (409 for a <see cref="ConflictException"/>) after <paramref name="reload"/> has
    /// loaded what it shows. Anything else goes on to <see cref="PageErrorFilter"/> (the error page).
    /// </summary>
    /// <param name="post">The change; returns where to go when it worked (usually a redirect with a flash).</param>
    /// <param name="reload">Loads the page's content for showing it again.</param>
    /// <param name="alsoRefused">Other exceptions this form shows as a message rather than the error page.</param>
    /// <param name="showError">Where the message goes when the page has more than one form (default <see cref="Error"/>).</param>
    protected async Task<IActionResult> SubmitFormAsync(Func<Task<IActionResult>> post, Func<Task> reload, Func<Exception, bool>? alsoRefused = null, Action<string>? showError = null)
    {
        ArgumentNullException.ThrowIfNull(post);
        ArgumentNullException.ThrowIfNull(reload);
        try
        {
            return await post().ConfigureAwait(false);
        }
        catch (Exception e) when (e is ValidationException || alsoRefused?.Invoke(e) == true)
        {
            if (showError is null)
            {
                Error = e.Message;
            }
            else
            {
                showError(e.Message);
            }

            Response.StatusCode = e is ConflictException ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
            await reload().ConfigureAwait(false);
            return Page();
        }
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        _me = await HttpContext.RequestServices.GetRequiredService<WebUserAccessor>().GetAsync(HttpContext.RequestAborted).ConfigureAwait(false);
        if (_me is null)
        {
            context.Result = Challenge();
            return;
        }

        await next().ConfigureAwait(false);
    }

    /// <summary>404 with the error page (for ids the user may not see: never 403, so ids cannot be probed).</summary>
    protected IActionResult NotFoundPage() => NotFound();
}
