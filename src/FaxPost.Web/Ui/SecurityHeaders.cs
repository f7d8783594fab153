using Microsoft.AspNetCore.Http;

namespace FaxPost.Web.Ui;

/// <summary>
/// Security headers on every answer, set when the answer starts (so error handlers that clear
/// headers do not drop them). CSP Level 3: scripts and styles only from our own origin, no inline
/// script, nothing may frame us (frame-ancestors), forms post only to us.
/// </summary>
internal sealed class SecurityHeaders(RequestDelegate next)
{
    internal const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(static state =>
        {
            var response = (HttpResponse)state;
            var headers = response.Headers;
            if (headers.CacheControl.Count == 0)
            {
                headers.CacheControl = "no-store"; // pages and faxes hold personal data; only /assets may be cached
            }

            headers.ContentSecurityPolicy = ContentSecurityPolicy;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "no-referrer";
            headers["Cross-Origin-Opener-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            return Task.CompletedTask;
        }, context.Response);
        return next(context);
    }
}
