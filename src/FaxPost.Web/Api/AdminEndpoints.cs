using System.Text;
using FaxPost.Core;
using FaxPost.Core.Documents;
using FaxPost.Core.Jobs;
using FaxPost.Core.Log;
using FaxPost.Core.Retention;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Api;

/// <summary>Routing rules, the send/receive log, retention and the server's status.</summary>
internal static class AdminEndpoints
{
    private static readonly JobState[] Waiting = [JobState.Submitted, JobState.Converting, JobState.Queued, JobState.InProgress, JobState.WaitingToRetry];

    public static void Map(RouteGroupBuilder api)
    {
        var rules = api.MapGroup("/routing-rules").WithTags("Administration");
        rules.MapGet("/", async (Principal by, IPostOfficeStore store, CancellationToken ct) =>
        {
            AuthorizationService.DemandAdministrator(by);
            return (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).OrderBy(r => r.Order).ThenBy(r => r.Id).Select(RoutingRuleView.Of).ToList();
        }).WithName("ListRoutingRules");
        rules.MapPost("/", async (RuleJson body, Principal by, IPostOfficeStore store, CancellationToken ct) =>
        {
            var rule = await SaveRuleAsync(0, body, by, store, ct).ConfigureAwait(false);
            return Results.Created($"/api/v1/routing-rules/{rule.Id}", rule);
        }).WithName("CreateRoutingRule");
        rules.MapPut("/{id:long}", (long id, RuleJson body, Principal by, IPostOfficeStore store, CancellationToken ct) => SaveRuleAsync(id, body, by, store, ct)).WithName("UpdateRoutingRule");
        rules.MapDelete("/{id:long}", async (long id, Principal by, IPostOfficeStore store, CancellationToken ct) =>
        {
            AuthorizationService.DemandAdministrator(by);
            return await store.RoutingRules.DeleteAsync(id, ct).ConfigureAwait(false) ? Results.NoContent() : throw new NotFoundException($"There is no routing rule {id}.");
        }).WithName("DeleteRoutingRule");

        api.MapGet("/log", LogAsync).WithTags("Log").WithName("QueryLog")
            .WithSummary("The send/receive log as JSON, or format=csv / format=xferfaxlog (HylaFAX layout).");

        var retention = api.MapGroup("/retention").WithTags("Administration");
        retention.MapGet("/", async (Principal by, RetentionService service, CancellationToken ct) =>
        {
            AuthorizationService.DemandPostOffice(by);
            return new RetentionJson(await service.DefaultDaysAsync(ct).ConfigureAwait(false));
        }).WithName("GetRetention");
        retention.MapPut("/", async (RetentionJson body, Principal by, RetentionService service, CancellationToken ct) =>
        {
            await service.SetDefaultDaysAsync(by, body.Days, ct).ConfigureAwait(false);
            return new RetentionJson(await service.DefaultDaysAsync(ct).ConfigureAwait(false));
        }).WithName("SetRetention");
        retention.MapPost("/cleanup", async (bool? dryRun, Principal by, RetentionService service, CancellationToken ct) =>
        {
            bool dry = dryRun ?? false;
            var items = await service.RunAsync(by, dry, ct).ConfigureAwait(false);
            return new CleanupView(dry, items.Select(i => new CleanupItemView(i.Kind, i.Id, i.Date, i.Description)).ToList());
        }).WithName("RunCleanup");

        api.MapGet("/status", StatusAsync).WithTags("Administration").WithName("GetStatus")
            .WithSummary("Disk space, queue depth by state and lines in use (fax post office).");
    }

    public sealed record RuleJson(RoutingMatch? Match, string? Pattern, long MailboxId, int Order);

    public sealed record RetentionJson(int Days);

    private static async Task<RoutingRuleView> SaveRuleAsync(long id, RuleJson body, Principal by, IPostOfficeStore store, CancellationToken ct)
    {
        AuthorizationService.DemandAdministrator(by);
        if (id != 0 && (await store.RoutingRules.ListAsync(ct).ConfigureAwait(false)).All(r => r.Id != id))
        {
            throw new NotFoundException($"There is no routing rule {id}.");
        }

        var match = body.Match ?? throw new ValidationException("match is senderNumber, senderId or subAddress.");
        string pattern = body.Pattern?.Trim() ?? "";
        if (pattern.Length is < 1 or > 64)
        {
            throw new ValidationException("A routing pattern has 1 to 64 characters.");
        }

        _ = await store.Mailboxes.GetAsync(body.MailboxId, ct).ConfigureAwait(false) ?? throw new ValidationException($"There is no mailbox {body.MailboxId}.");
        var rule = new RoutingRule { Id = id, Match = match, Pattern = pattern, MailboxId = body.MailboxId, Order = body.Order };
        rule.Id = await store.RoutingRules.SaveAsync(rule, ct).ConfigureAwait(false);
        return RoutingRuleView.Of(rule);
    }

    private static async Task<IResult> LogAsync(Principal by, LogService log, string? format, DateTimeOffset? from, DateTimeOffset? to, string? direction, string? mailbox, int? limit, CancellationToken ct)
    {
        var directions = Query.Enums<Direction>(direction, "direction");
        if (directions is { Count: > 1 })
        {
            throw new ValidationException("direction is send or receive (one of them).");
        }

        string kind = (format ?? "json").Trim().ToLowerInvariant();
        if (kind is not ("json" or "csv" or "xferfaxlog"))
        {
            throw new ValidationException($"format: '{format}' is not json, csv or xferfaxlog.");
        }

        var records = await log.QueryAsync(by, new LogQuery(from, to, directions?.First(), Query.Ids(mailbox, "mailbox"), Query.Limit(limit, 1000, 100_000)), ct).ConfigureAwait(false);
        return kind switch
        {
            "csv" => Results.Text(LogService.ToCsv(records), "text/csv; charset=utf-8", Encoding.UTF8),
            "xferfaxlog" => Results.Text(LogService.ToXferFaxLog(records), "text/plain; charset=utf-8", Encoding.UTF8),
            _ => Results.Ok(records.Select(LogRecordView.Of).ToList()),
        };
    }

    private static async Task<StatusView> StatusAsync(Principal by, IPostOfficeStore store, DiskGuard disk, LineBudget lines, CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(by);
        var queue = Waiting.ToDictionary(s => Names.Camel(s.ToString()), _ => 0);
        foreach (var job in await store.Jobs.InStatesAsync(Waiting, ct).ConfigureAwait(false))
        {
            queue[Names.Camel(job.State.ToString())]++;
        }

        return new StatusView(
            disk.AvailableBytes,
            disk.MinimumBytes,
            disk.HasRoom(out _),
            queue,
            new LinesView(lines.Total, lines.ReservedInbound, lines.Inbound, lines.Outbound));
    }
}
