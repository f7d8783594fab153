using FaxPost.Web.Ui;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FaxPost.Web.Pages;

/// <summary>The page for error answers of the UI (status code pages re-execute here); keeps the status.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Error";

    public string Explanation { get; private set; } = "";

    public string? Message { get; private set; }

    public IActionResult OnGet(int code) => Show(code);

    // A failed POST is re-executed as a POST: answer it the same way.
    public IActionResult OnPost(int code) => Show(code);

    private IActionResult Show(int code)
    {
        bool reExecuted = HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        (Title, Explanation) = code switch
        {
            400 => ("The request is not valid", "Something in what you sent could not be used."),
            401 => ("Log-in needed", "Your session has ended. Log in again."),
            403 => ("Not allowed", "You do not have the right to do this."),
            404 => ("Not found", "There is nothing here you may see. It may have been deleted, or it belongs to a mailbox you cannot read."),
            409 => ("Changed meanwhile", "Someone changed this at the same time. Look again and retry."),
            413 => ("Too large", "The upload is larger than the server accepts."),
            503 => ("Busy", "The server refuses new work for now. Try again later."),
            _ => ("Something went wrong", "The server could not handle the request; the details are in its log."),
        };
        Message = code is 400 or 409 or 503 ? HttpContext.Items[PageErrorFilter.MessageKey] as string : null;
        if (!reExecuted)
        {
            Response.StatusCode = code is >= 400 and < 600 ? code : 404;
        }

        return Page();
    }
}
