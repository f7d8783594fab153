using Microsoft.AspNetCore.Http;

namespace FaxPost.Web;

/// <summary>
/// The plumbing the live feeds share (REST job progress, the web outbox): HTML Living Standard §9.2
/// event streams that are not buffered by proxies, a comment line to keep idle connections open, and
/// the tear-down of a live-update subscription when the client goes away.
/// </summary>
internal static class ServerSentEvents
{
    /// <summary>How long a stream may stay silent before a keep-alive comment goes out.</summary>
    public static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);

    public static void Begin(HttpResponse response)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
    }

    public static async Task KeepAliveAsync(HttpResponse response, CancellationToken ct)
    {
        await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Ends the subscription and waits for its pending read, which ends cancelled.</summary>
    public static async Task StopWatchingAsync(CancellationTokenSource stop, Task<bool> next)
    {
        await stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await next.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }
}
