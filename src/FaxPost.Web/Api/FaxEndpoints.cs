using FaxPost.Core;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Api;

/// <summary>Incoming faxes: list, inspect, history, pages (TIFF or PDF), hand off, delete.</summary>
internal static class FaxEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var faxes = api.MapGroup("/faxes").WithTags("Faxes");
        faxes.MapGet("/", ListAsync).WithName("ListFaxes").WithSummary("Received faxes of the mailboxes you may read (or the post office's unroutable queue), newest first.");
        faxes.MapGet("/{id:long}", async (long id, Principal by, InboxService inbox, CancellationToken ct) =>
            FaxView.Of(await inbox.GetAsync(by, id, ct).ConfigureAwait(false))).WithName("GetFax");
        faxes.MapGet("/{id:long}/events", async (long id, Principal by, InboxService inbox, CancellationToken ct) =>
            (await inbox.HistoryAsync(by, id, ct).ConfigureAwait(false)).Select(FaxEventView.Of).ToList()).WithName("GetFaxEvents");
        faxes.MapGet("/{id:long}/document", DocumentAsync)
            .WithName("GetFaxDocument")
            .WithSummary("The received pages as TIFF-F (format=tiff, default) or PDF (format=pdf); the read is recorded.")
            .Produces(StatusCodes.Status200OK, typeof(byte[]), "image/tiff", "application/pdf");
        faxes.MapPost("/{id:long}/handoff", async (long id, HandOffJson body, Principal by, InboxService inbox, CancellationToken ct) =>
            FaxView.Of(await inbox.HandOffAsync(by, id, body.MailboxId, body.Note, ct).ConfigureAwait(false))).WithName("HandOffFax");
        faxes.MapDelete("/{id:long}", async (long id, Principal by, InboxService inbox, CancellationToken ct) =>
        {
            await inbox.DeleteAsync(by, id, ct).ConfigureAwait(false);
            return Results.NoContent();
        }).WithName("DeleteFax");
    }

    public sealed record HandOffJson(long MailboxId, string? Note);

    private static async Task<List<FaxView>> ListAsync(Principal by, InboxService inbox, string? mailbox, bool? unroutable, string? sender, DateTimeOffset? from, DateTimeOffset? to, long? before, int? limit, CancellationToken ct)
    {
        var query = new InboundQuery(
            MailboxIds: Query.Ids(mailbox, "mailbox"),
            Unroutable: unroutable ?? false,
            Sender: string.IsNullOrWhiteSpace(sender) ? null : sender.Trim(),
            From: from,
            To: to,
            Limit: Query.Limit(limit, 200, 1000),
            BeforeId: before);
        return (await inbox.ListAsync(by, query, ct).ConfigureAwait(false)).Select(FaxView.Of).ToList();
    }

    private static async Task<IResult> DocumentAsync(long id, string? format, Principal by, InboxService inbox, CancellationToken ct)
    {
        bool pdf = FaxDocuments.WantsPdf(format);
        var (fax, tiff) = await inbox.OpenAsync(by, id, pdf ? "pdf" : "tiff", ct).ConfigureAwait(false);
        return pdf
            ? await FaxDocuments.PdfAsync(tiff, $"fax-{fax.Id}.pdf", ct).ConfigureAwait(false)
            : Results.Stream(tiff, "image/tiff", $"fax-{fax.Id}.tif");
    }
}
