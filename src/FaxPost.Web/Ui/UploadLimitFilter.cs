using FaxPost.Core.Configuration;
using FaxPost.Web.Api;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace FaxPost.Web.Ui;

/// <summary>
/// The send page without JavaScript: a POST larger than the upload limit cannot be read, so the
/// anti-forgery check (which reads the form first) would answer a bare 400. This filter runs before
/// it, refuses such a request without reading it, and sends the browser back to the send page, which
/// names the limit (<see cref="TooLargeQuery"/>). Nothing is read or stored, so skipping the token
/// check for this answer changes nothing.
/// </summary>
internal sealed class UploadLimitFilter(LimitOptions limits) : IAsyncAuthorizationFilter, IOrderedFilter
{
    /// <summary>The query the send page answers with the size message.</summary>
    public const string TooLargeQuery = "refused=too-large";

    /// <summary>Before the anti-forgery filter (order 1000), which reads the form.</summary>
    public int Order => -1000;

    public async Task OnAuthorizationAsync(AuthorizationFilterContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType)
        {
            return;
        }

        long limit = BodyLimits.UploadLimit(limits);
        bool tooLarge = request.ContentLength > limit;
        if (!tooLarge)
        {
            try
            {
                // Read (and cache) the form here, where a body past the limit can still be answered in words.
                _ = await request.ReadFormAsync(context.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                tooLarge = true;
            }
            catch (InvalidDataException) when (request.ContentLength is null)
            {
                // A chunked body (no length) past the multipart limit; with a length within the limit,
                // an unreadable form stays the anti-forgery check's plain 400.
                tooLarge = true;
            }
        }

        if (tooLarge)
        {
            context.Result = new LocalRedirectResult("/send?" + TooLargeQuery);
        }
    }
}
