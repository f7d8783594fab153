using System.Text.Json;
using FaxPost.Core;
using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Web.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Ui;

/// <summary>
/// What the pages load besides HTML: page images, downloads and the outbox's live updates. Each
/// goes through the same Core service as the REST API, so a fax or job id the user may not see
/// answers 404 and nothing else. Reads that show a fax's content are written to its history.
/// </summary>
internal static class UiEndpoints
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(3);

    public static void MapUiEndpoints(this IEndpointRouteBuilder app)
    {
        var ui = app.MapGroup("").RequireAuthorization().ExcludeFromDescription();
        ui.MapGet("/inbox/fax/{id:long}/page/{page:int}.png", FaxPageAsync);
        ui.MapGet("/inbox/fax/{id:long}/download", FaxDownloadAsync);
        ui.MapGet("/outbox/job/{id:long}/page/{page:int}.png", JobPageAsync);
        ui.MapGet("/outbox/job/{id:long}/download", JobDownloadAsync);
        ui.MapGet("/outbox/live", LiveAsync);
        ui.MapGet("/send/draft/{draft}/page/{page:int}.png", DraftPageAsync);
    }

    private static async Task<IResult> FaxPageAsync(long id, int page, int? w, Principal by, InboxService inbox, IDocumentStore documents, HttpContext http, CancellationToken ct)
    {
        int width = FaxImages.Width(w);
        var fax = await inbox.GetAsync(by, id, ct).ConfigureAwait(false); // the right to read
        byte[]? png = await FaxImages.PageAsync(documents.OpenRead(fax.Document), page, width, ct).ConfigureAwait(false);
        if (png is not null && width > FaxImages.ThumbnailWidth)
        {
            // A readable page is a read: into the fax's history (thumbnails are too small to read, so they are not).
            var (_, tiff) = await inbox.OpenAsync(by, id, $"page {page} in the web viewer", ct).ConfigureAwait(false);
            await tiff.DisposeAsync().ConfigureAwait(false);
        }

        return Png(png, http);
    }

    private static async Task<IResult> FaxDownloadAsync(long id, string? format, Principal by, InboxService inbox, CancellationToken ct)
    {
        bool pdf = FaxDocuments.WantsPdf(format);
        var (fax, tiff) = await inbox.OpenAsync(by, id, pdf ? "pdf" : "tiff", ct).ConfigureAwait(false);
        string name = $"fax-{fax.Id}-{fax.ReceivedAt.UtcDateTime:yyyyMMdd-HHmm}";
        return pdf
            ? await FaxDocuments.PdfAsync(tiff, name + ".pdf", ct).ConfigureAwait(false)
            : Results.Stream(tiff, "image/tiff", name + ".tif");
    }

    private static async Task<IResult> JobPageAsync(long id, int page, int? w, Principal by, JobService jobs, HttpContext http, CancellationToken ct)
    {
        var (_, tiff) = await jobs.OpenAsync(by, id, ct).ConfigureAwait(false);
        return Png(await FaxImages.PageAsync(tiff, page, FaxImages.Width(w), ct).ConfigureAwait(false), http);
    }

    private static async Task<IResult> JobDownloadAsync(long id, string? format, Principal by, JobService jobs, CancellationToken ct)
    {
        bool pdf = FaxDocuments.WantsPdf(format);
        var (job, tiff) = await jobs.OpenAsync(by, id, ct).ConfigureAwait(false);
        return pdf
            ? await FaxDocuments.PdfAsync(tiff, $"sent-fax-{job.Id}.pdf", ct).ConfigureAwait(false)
            : Results.Stream(tiff, "image/tiff", $"sent-fax-{job.Id}.tif");
    }

    private static async Task<IResult> DraftPageAsync(string draft, int page, int? w, Principal by, SendDrafts drafts, HttpContext http, CancellationToken ct)
    {
        var tiff = drafts.OpenPreview(by, draft) ?? throw new NotFoundException("There is no such preview.");
        return Png(await FaxImages.PageAsync(tiff, page, FaxImages.Width(w), ct).ConfigureAwait(false), http);
    }

    private static IResult Png(byte[]? png, HttpContext http)
    {
        if (png is null)
        {
            return Results.NotFound();
        }

        http.Response.Headers.CacheControl = "private, max-age=300";
        return Results.Bytes(png, "image/png");
    }

    /// <summary>
    /// Server-sent events (HTML Living Standard §9.2) for the outbox: one "job" event whenever a job
    /// the user may see changes — live call progress from the hub, and a re-read of the user's
    /// unfinished jobs every few seconds for changes that do not pass the hub.
    /// </summary>
    private static async Task LiveAsync(HttpContext http, Principal by, JobService jobs, JobProgressHub hub, TimeProvider time)
    {
        var ct = http.RequestAborted;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var updates = hub.WatchAsync(null, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = updates.MoveNextAsync().AsTask();
        ServerSentEvents.Begin(http.Response);
        await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);

        var visible = new Dictionary<long, bool>();
        var shown = new Dictionary<long, string>();
        var quiet = time.GetUtcNow();
        try
        {
            await RecheckAsync().ConfigureAwait(false);
            while (!ct.IsCancellationRequested)
            {
                var tick = Task.Delay(Recheck, time, ct);
                if (await Task.WhenAny(next, tick).ConfigureAwait(false) == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    var update = updates.Current;
                    next = updates.MoveNextAsync().AsTask();
                    if (await MaySeeAsync(update.JobId).ConfigureAwait(false))
                    {
                        if (update.State.IsFinal())
                        {
                            await SendJobAsync(update.JobId).ConfigureAwait(false); // the stored result, with its reason
                        }
                        else
                        {
                            await SendAsync(update.JobId, update.State, JobWords.Describe(update), update.Call?.Page, update.Call?.Pages).ConfigureAwait(false);
                        }
                    }

                    continue;
                }

                await tick.ConfigureAwait(false);
                await RecheckAsync().ConfigureAwait(false);
                if (time.GetUtcNow() - quiet >= ServerSentEvents.KeepAlive)
                {
                    await ServerSentEvents.KeepAliveAsync(http.Response, ct).ConfigureAwait(false);
                    quiet = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the page was closed
        }
        finally
        {
            await ServerSentEvents.StopWatchingAsync(stop, next).ConfigureAwait(false);
        }

        async Task RecheckAsync()
        {
            var open = await jobs.ListAsync(by, new JobQuery(States: OpenStates, Limit: 500), ct).ConfigureAwait(false);
            foreach (var job in open)
            {
                visible[job.Id] = true;
                await SendIfChangedAsync(job).ConfigureAwait(false);
            }

            // Jobs shown as unfinished that left the list have ended (or were deleted).
            foreach (long id in shown.Keys.Except(open.Select(j => j.Id)).ToList())
            {
                await SendJobAsync(id).ConfigureAwait(false);
            }
        }

        async Task<bool> MaySeeAsync(long id)
        {
            if (!visible.TryGetValue(id, out bool may))
            {
                try
                {
                    _ = await jobs.GetAsync(by, id, ct).ConfigureAwait(false);
                    may = true;
                }
                catch (NotFoundException)
                {
                    may = false;
                }

                visible[id] = may;
            }

            return may;
        }

        async Task SendJobAsync(long id)
        {
            try
            {
                await SendIfChangedAsync(await jobs.GetAsync(by, id, ct).ConfigureAwait(false)).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
                shown.Remove(id);
                await SendRawAsync(new LiveJob(id, "deleted", true, "deleted", null, null)).ConfigureAwait(false);
            }
        }

        Task SendIfChangedAsync(FaxJob job) =>
            SendAsync(job.Id, job.State, JobWords.Describe(job, time.GetUtcNow()), job.State == JobState.Done ? job.PagesSent : null, job.PageCount > 0 ? job.PageCount : null);

        async Task SendAsync(long id, JobState state, string text, int? page, int? pages)
        {
            if (shown.TryGetValue(id, out string? before) && before == text)
            {
                return;
            }

            if (state.IsFinal())
            {
                shown.Remove(id);
            }
            else
            {
                shown[id] = text;
            }

            await SendRawAsync(new LiveJob(id, state.ToString().ToLowerInvariant(), state.IsFinal(), text, page, pages)).ConfigureAwait(false);
        }

        async Task SendRawAsync(LiveJob job)
        {
            string data = JsonSerializer.Serialize(job, LiveJson);
            await http.Response.WriteAsync($"event: job\ndata: {data}\n\n", ct).ConfigureAwait(false);
            await http.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            quiet = time.GetUtcNow();
        }
    }

    private static readonly JobState[] OpenStates = [JobState.Submitted, JobState.Converting, JobState.Queued, JobState.InProgress, JobState.WaitingToRetry];

    private static readonly JsonSerializerOptions LiveJson = new(JsonSerializerDefaults.Web);

    /// <summary>One live update of the outbox: the job, its state, and its state in words.</summary>
    internal sealed record LiveJob(long Id, string State, bool Final, string Text, int? Page, int? Pages);
}
