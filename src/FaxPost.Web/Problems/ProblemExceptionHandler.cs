using FaxPost.Core.Rights;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FaxPost.Web.Problems;

/// <summary>
/// Turns every exception escaping an endpoint into problem details (RFC 9457). Known kinds carry
/// the post office's message; anything else is a 500 that says nothing of the exception (the
/// details go to the server log only).
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = ProblemKinds.From(exception);
        if (problem is null)
        {
            if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
            {
                return true; // the client went away; nobody to answer
            }

            LogUnexpected(exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = ProblemKinds.Make(StatusCodes.Status500InternalServerError, ProblemKinds.Internal, "Internal server error", "The server failed to handle the request; the error is in its log.");
        }
        else if (exception is AccessDeniedException)
        {
            LogDenied(httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem }).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 8001, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private partial void LogUnexpected(Exception e, string method, PathString path);

    [LoggerMessage(EventId = 8002, Level = LogLevel.Information, Message = "Refused {Method} {Path}: {Reason}")]
    private partial void LogDenied(string method, PathString path, string reason);
}
