using FaxPost.Core;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FaxPost.Web.Ui;

/// <summary>
/// The post office's refusals escaping a page handler become the error page with the right status:
/// not found (also for faxes the user may not read, so ids cannot be probed) 404, not allowed 403,
/// invalid or conflicting 400/409 with the post office's message. Anything else stays a server error.
/// </summary>
internal sealed partial class PageErrorFilter : IAsyncPageFilter
{
    internal const string MessageKey = "faxpost.ui.error";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next().ConfigureAwait(false);
        if (executed.Exception is null || executed.ExceptionHandled)
        {
            return;
        }

        int? status = executed.Exception switch
        {
            NotFoundException => StatusCodes.Status404NotFound,
            AccessDeniedException => StatusCodes.Status403Forbidden,
            ValidationException => StatusCodes.Status400BadRequest,
            ConflictException or DuplicateException => StatusCodes.Status409Conflict,
            OverloadedException => StatusCodes.Status503ServiceUnavailable,
            _ => null,
        };
        if (status is null)
        {
            return;
        }

        if (executed.Exception is AccessDeniedException denied)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILogger<PageErrorFilter>>();
            LogDenied(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, denied.Message);
        }

        context.HttpContext.Items[MessageKey] = executed.Exception.Message;
        executed.Result = new StatusCodeResult(status.Value);
        executed.ExceptionHandled = true;
    }

    [LoggerMessage(EventId = 8201, Level = LogLevel.Information, Message = "Web UI refused {Method} {Path}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string method, PathString path, string reason);
}
