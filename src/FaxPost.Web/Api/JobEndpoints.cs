using System.Text.Json;
using FaxPost.Core;
using FaxPost.Core.Configuration;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;

namespace FaxPost.Web.Api;

/// <summary>Outgoing faxes: submit, list, inspect, follow live, stop, delete, change send options, download pages.</summary>
internal static class JobEndpoints
{
    private static readonly TimeSpan Recheck = TimeSpan.FromSeconds(2);

    public static void Map(RouteGroupBuilder api)
    {
        var jobs = api.MapGroup("/jobs").WithTags("Jobs");
        jobs.MapPost("/", SubmitAsync)
            .WithName("SubmitJob")
            .WithSummary("Send a fax to one or more recipients (multipart/form-data with files, or JSON with base64 documents).")
            .Accepts<SubmitJobJson>("application/json", "multipart/form-data")
            .Produces<SubmissionView>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .WithMetadata(UploadEndpointMetadata.Instance)
            .DisableAntiforgery();
        jobs.MapGet("/", ListAsync).WithName("ListJobs").WithSummary("Jobs of the mailboxes you may see, newest first.");
        jobs.MapGet("/{id:long}", async (long id, Principal by, JobService service, CancellationToken ct) =>
            JobView.Of(await service.GetAsync(by, id, ct).ConfigureAwait(false))).WithName("GetJob");
        jobs.MapGet("/{id:long}/events", async (long id, Principal by, JobService service, CancellationToken ct) =>
            (await service.HistoryAsync(by, id, ct).ConfigureAwait(false)).Select(JobEventView.Of).ToList()).WithName("GetJobEvents");
        jobs.MapGet("/{id:long}/progress", ProgressAsync)
            .WithName("FollowJob")
            .WithSummary("Live progress as server-sent events (text/event-stream) until the job is final.")
            .Produces<ProgressView>(StatusCodes.Status200OK, "text/event-stream");
        jobs.MapPost("/{id:long}/cancel", async (long id, Principal by, JobService service, CancellationToken ct) =>
            JobView.Of(await service.CancelAsync(by, id, ct).ConfigureAwait(false))).WithName("CancelJob");
        jobs.MapDelete("/{id:long}", async (long id, Principal by, JobService service, CancellationToken ct) =>
        {
            await service.DeleteAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("DeleteJob");
        jobs.MapPatch("/{id:long}", ChangeAsync).WithName("ChangeJob").WithSummary("Change send options of a waiting job.");
        jobs.MapGet("/{id:long}/document", DocumentAsync)
            .WithName("GetJobDocument")
            .WithSummary("The converted fax pages as TIFF-F (format=tiff, default) or PDF (format=pdf).")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/tiff", "application/pdf");
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, Principal by, JobService service, LimitOptions limits, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, int? wait, CancellationToken ct)
    {
        var waitFor = TimeSpan.FromSeconds(Math.Clamp(wait ?? 60, 0, 120));
        var (request, owned) = await JobSubmission.ReadAsync(http.Request, limits, json.Value.SerializerOptions, waitFor, ct).ConfigureAwait(false);
        await using (owned.ConfigureAwait(false))
        {
            var created = await service.SubmitAsync(by, request, ct).ConfigureAwait(false);
            var view = new SubmissionView(created.Count > 0 ? created[0].GroupId : 0, created.Select(JobView.Of).ToList());
            return Results.Accepted(created.Count > 0 ? $"/api/v1/jobs/{created[0].Id}" : null, view);
        }
    }

    private static async Task<List<JobView>> ListAsync(Principal by, JobService service, string? state, string? mailbox, long? before, int? limit, CancellationToken ct)
    {
        var query = new JobQuery(
            MailboxIds: Query.Ids(mailbox, "mailbox"),
            States: Query.Enums<JobState>(state, "state"),
            Limit: Query.Limit(limit, 200, 1000),
            BeforeId: before);
        return (await service.ListAsync(by, query, ct).ConfigureAwait(false)).Select(JobView.Of).ToList();
    }

    public sealed record JobChangesJson(int? Priority, DateTimeOffset? NotBefore, bool? SendNow, int? MaxTries, string? Notify, string? Resolution);

    private static async Task<JobView> ChangeAsync(long id, JobChangesJson body, Principal by, JobService service, CancellationToken ct)
    {
        var changes = new JobChanges(
            body.Priority,
            body.NotBefore,
            body.SendNow ?? false,
            body.MaxTries,
            body.Notify,
            body.Resolution is null ? null : JobSubmission.Resolution(body.Resolution));
        return JobView.Of(await service.ChangeAsync(by, id, changes, ct).ConfigureAwait(false));
    }

    private static async Task<IResult> DocumentAsync(long id, string? format, Principal by, JobService service, CancellationToken ct)
    {
        bool pdf = FaxDocuments.WantsPdf(format);
        var (job, tiff) = await service.OpenAsync(by, id, ct).ConfigureAwait(false);
        return pdf
            ? await FaxDocuments.PdfAsync(tiff, $"job-{job.Id}.pdf", ct).ConfigureAwait(false)
            : Results.Stream(tiff, "image/tiff", $"job-{job.Id}.tif");
    }

    /// <summary>
    /// Server-sent events (HTML Living Standard §9.2): one "progress" event with the state now, then
    /// one per change until the job is final. Live call progress comes from the progress hub; the job
    /// is also re-read every few seconds, because not every change (conversion, a stop from another
    /// front door) passes through the hub.
    /// </summary>
    private static async Task ProgressAsync(long id, HttpContext http, Principal by, JobService service, JobProgressHub hub, IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, TimeProvider time)
    {
        var ct = http.RequestAborted;
        var job = await service.GetAsync(by, id, ct).ConfigureAwait(false);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        await using var updates = hub.WatchAsync(id, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = updates.MoveNextAsync().AsTask(); // subscribes before the state is read, so nothing is missed

        http.Response.StatusCode = StatusCodes.Status200OK;
        ServerSentEvents.Begin(http.Response);
        var options = json.Value.SerializerOptions;

        job = await service.GetAsync(by, id, ct).ConfigureAwait(false);
        var last = hub.Latest(id) is { } latest && !job.State.IsFinal() ? View(latest) : View(job);
        await WriteAsync(http.Response, last, options, ct).ConfigureAwait(false);
        var quiet = time.GetUtcNow();
        try
        {
            while (!last.Final)
            {
                var tick = Task.Delay(Recheck, time, ct);
                if (await Task.WhenAny(next, tick).ConfigureAwait(false) == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    var update = View(updates.Current);
                    next = updates.MoveNextAsync().AsTask();
                    if (update.Final)
                    {
                        // The final word comes from the stored job (its result and reason), not the live feed.
                        update = await FinalViewAsync(service, by, id, update, ct).ConfigureAwait(false);
                    }

                    if (update != last with { At = update.At })
                    {
                        last = update;
                        await WriteAsync(http.Response, last, options, ct).ConfigureAwait(false);
                        quiet = time.GetUtcNow();
                    }

                    continue;
                }

                await tick.ConfigureAwait(false);
                FaxJob now;
                try
                {
                    now = await service.GetAsync(by, id, ct).ConfigureAwait(false);
                }
                catch (NotFoundException)
                {
                    break; // deleted meanwhile
                }

                if (now.State != last.State || now.State.IsFinal())
                {
                    last = View(now);
                    await WriteAsync(http.Response, last, options, ct).ConfigureAwait(false);
                    quiet = time.GetUtcNow();
                }
                else if (time.GetUtcNow() - quiet >= ServerSentEvents.KeepAlive)
                {
                    await ServerSentEvents.KeepAliveAsync(http.Response, ct).ConfigureAwait(false);
                    quiet = time.GetUtcNow();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        finally
        {
            await ServerSentEvents.StopWatchingAsync(stop, next).ConfigureAwait(false);
        }
    }

    private static async Task WriteAsync(HttpResponse response, ProgressView view, JsonSerializerOptions options, CancellationToken ct)
    {
        // One JSON line per event: JSON never contains a raw line break, so "data:" needs no splitting.
        string data = JsonSerializer.Serialize(view, options);
        await response.WriteAsync($"event: progress\ndata: {data}\n\n", ct).ConfigureAwait(false);
        await response.Body.FlushAsync(ct).ConfigureAwait(false);
    }

    internal static ProgressView View(FaxJob job)
    {
        string message = job.State switch
        {
            JobState.Done => job.IsInternal ? "delivered" : $"done, {job.PagesSent} page(s) sent",
            JobState.Failed or JobState.Cancelled => $"{job.State.Describe()}: {job.LastError ?? "no reason given"}",
            JobState.WaitingToRetry when job.NextAttemptAt is { } at => $"waiting to retry at {at:HH:mm:ss}Z" + (job.LastError is null ? "" : $" ({job.LastError})"),
            _ => job.State.Describe(),
        };
        return new ProgressView(job.Id, job.State, job.State.IsFinal(), message, null, null, job.PageCount > 0 ? job.PageCount : null, job.State.IsFinal() ? job.LastError : null, job.UpdatedAt);
    }

    private static async Task<ProgressView> FinalViewAsync(JobService service, Principal by, long id, ProgressView live, CancellationToken ct)
    {
        try
        {
            var job = await service.GetAsync(by, id, ct).ConfigureAwait(false);
            return job.State.IsFinal() ? View(job) : live;
        }
        catch (NotFoundException)
        {
            return live;
        }
    }

    private static ProgressView View(JobUpdate update)
    {
        string? phase = update.Call?.Phase switch
        {
            CallPhase.Dialling => "dialling",
            CallPhase.Connected => "connected",
            CallPhase.SendingPage => "sendingPage",
            CallPhase.PageConfirmed => "pageConfirmed",
            CallPhase.Finishing => "finishing",
            _ => null,
        };
        return new ProgressView(update.JobId, update.State, update.State.IsFinal(), update.Message, phase, update.Call?.Page, update.Call?.Pages, null, update.At);
    }
}
