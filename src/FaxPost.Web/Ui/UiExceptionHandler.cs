using FaxPost.Core;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaxPost.Web.Ui;

/// <summary>
/// Errors escaping the UI's pages and endpoints (not the API's, which become problem details) are
/// answered with the status only; the status-code pages then show the error page. Unexpected ones
/// go to the server log, never to the browser.
/// </summary>
internal sealed partial class UiExceptionHandler(ILogger<UiExceptionHandler> logger) : IExceptionHandler
{
    public ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var path = httpContext.Request.Path;
        if (path.StartsWithSegments("/api", StringComparison.Ordinal) || path.StartsWithSegments("/openapi", StringComparison.Ordinal))
        {
            return ValueTask.FromResult(false);
        }

        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            return ValueTask.FromResult(true); // the browser went away
        }

        int status = exception switch
        {
            NotFoundException => StatusCodes.Status404NotFound,
            AccessDeniedException => StatusCodes.Status403Forbidden,
            ValidationException => StatusCodes.Status400BadRequest,
            ConflictException or DuplicateException => StatusCodes.Status409Conflict,
            OverloadedException => StatusCodes.Status503ServiceUnavailable,
            BadHttpRequestException b => b.StatusCode,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            LogUnexpected(exception, httpContext.Request.Method, path);
        }
        else if (status is 400 or 409 or 503)
        {
            httpContext.Items[PageErrorFilter.MessageKey] = exception.Message;
        }

        httpContext.Response.StatusCode = status;
        return ValueTask.FromResult(true);
    }

    [LoggerMessage(EventId = 8202, Level = LogLevel.Error, Message = "Unhandled error in web UI {Method} {Path}")]
    private partial void LogUnexpected(Exception e, string method, PathString path);
}
