using FaxPost.Core.Rights;
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

    /// <summary>A message shown once at the top of the next page.</summary>
    protected void Flash(string message) => FlashMessage = message;

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
