using FaxPost.Core.Accounts;
using FaxPost.Core.Documents;
using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Inbound;

/// <summary>
/// Reading and handling received faxes, for every front door: list, open, hand off, delete —
/// each checked against the mailbox rights (seed 002) and written to the fax's history (the audit
/// trail of reads, hand-offs and deletions). Faxes in the fax post office's queue belong to no
/// mailbox: only the post office role may see and hand them off.
/// </summary>
public sealed class InboxService(IPostOfficeStore store, IDocumentStore documents, AuthorizationService rights, Observers observers, TimeProvider time)
{
    /// <summary>Faxes in the given mailboxes (default: every mailbox the caller may read), newest first.</summary>
    public async Task<IReadOnlyList<InboundFax>> ListAsync(Principal by, InboundQuery query, CancellationToken ct)
    {
        if (query.Unroutable)
        {
            AuthorizationService.DemandPostOffice(by);
            return await store.Inbound.QueryAsync(query with { MailboxIds = null }, ct).ConfigureAwait(false);
        }

        var readable = await rights.MailboxesWithAsync(by, MailboxRights.ReadIncoming, ct).ConfigureAwait(false);
        var wanted = query.MailboxIds is null ? readable : query.MailboxIds.Where(readable.Contains).ToList();
        if (query.MailboxIds is not null && wanted.Count != query.MailboxIds.Count)
        {
            throw new AccessDeniedException("You may not read one of the mailboxes asked for.");
        }

        return wanted.Count == 0 ? [] : await store.Inbound.QueryAsync(query with { MailboxIds = wanted }, ct).ConfigureAwait(false);
    }

    /// <summary>One fax; 404 for faxes the caller may not read, so ids cannot be probed.</summary>
    public async Task<InboundFax> GetAsync(Principal by, long id, CancellationToken ct)
    {
        var fax = await store.Inbound.GetAsync(id, ct).ConfigureAwait(false);
        if (fax is null || fax.State == InboundState.Deleted || !await MayAsync(by, fax, MailboxRights.ReadIncoming, ct).ConfigureAwait(false))
        {
            throw new NotFoundException($"There is no fax {id} you may read.");
        }

        return fax;
    }

    /// <summary>Opens the fax's TIFF-F for reading and records who read it.</summary>
    public async Task<(InboundFax Fax, Stream Tiff)> OpenAsync(Principal by, long id, string format, CancellationToken ct)
    {
        var fax = await GetAsync(by, id, ct).ConfigureAwait(false);
        var stream = documents.OpenRead(fax.Document);
        await store.Inbound.AddEventAsync(Event(fax.Id, "read", by, $"{by.Login} opened it as {format} via {by.Via}"), ct).ConfigureAwait(false);
        return (fax, stream);
    }

    public async Task<IReadOnlyList<InboundEvent>> HistoryAsync(Principal by, long id, CancellationToken ct)
    {
        _ = await GetAsync(by, id, ct).ConfigureAwait(false);
        return await store.Inbound.EventsAsync(id, ct).ConfigureAwait(false);
    }

    /// <summary>Hands a fax to another mailbox with a note (the post office's main job for unroutable faxes).</summary>
    public async Task<InboundFax> HandOffAsync(Principal by, long id, long toMailboxId, string? note, CancellationToken ct)
    {
        var fax = await store.Inbound.GetAsync(id, ct).ConfigureAwait(false);
        if (fax is null || fax.State == InboundState.Deleted || !await MayAsync(by, fax, MailboxRights.ReadIncoming, ct).ConfigureAwait(false))
        {
            throw new NotFoundException($"There is no fax {id} you may read.");
        }

        if (!await MayAsync(by, fax, MailboxRights.HandOffIncoming, ct).ConfigureAwait(false))
        {
            throw new AccessDeniedException($"You may not hand off faxes of this mailbox.");
        }

        if (note is { Length: > 1000 })
        {
            throw new ValidationException("A hand-off note has at most 1000 characters.");
        }

        var target = await store.Mailboxes.GetAsync(toMailboxId, ct).ConfigureAwait(false) ?? throw new ValidationException($"There is no mailbox {toMailboxId}.");
        if (target.Id == fax.MailboxId)
        {
            throw new ValidationException("The fax is already in that mailbox.");
        }

        long? from = fax.MailboxId;
        fax.MailboxId = target.Id;
        fax.State = InboundState.HandedOff;
        fax.Reason = UnroutableReason.None;
        fax.Note = note;
        fax.UpdatedAt = time.GetUtcNow();
        string fromText = from is null ? "the fax post office" : $"mailbox {from}";
        await store.Inbound.UpdateAsync(fax, Event(fax.Id, "handed-off", by, $"{by.Login} handed it from {fromText} to '{target.Name}'" + (note is null ? "" : $": {note}")), ct).ConfigureAwait(false);
        await observers.FaxArrivedAsync(fax, ct).ConfigureAwait(false);
        return fax;
    }

    /// <summary>Deletes a fax: its pages are removed at once, its record is kept (state deleted) for the log.</summary>
    public async Task DeleteAsync(Principal by, long id, CancellationToken ct)
    {
        var fax = await GetAsync(by, id, ct).ConfigureAwait(false);
        bool allowed = fax.MailboxId is null ? by.IsPostOffice : await rights.HasAsync(by, fax.MailboxId.Value, MailboxRights.DeleteIncoming, ct).ConfigureAwait(false);
        if (!allowed)
        {
            throw new AccessDeniedException("You may not delete faxes of this mailbox.");
        }

        fax.State = InboundState.Deleted;
        fax.UpdatedAt = time.GetUtcNow();
        await store.Inbound.UpdateAsync(fax, Event(fax.Id, "deleted", by, $"{by.Login} deleted it via {by.Via}"), ct).ConfigureAwait(false);
        documents.Delete(fax.Document);
    }

    private async Task<bool> MayAsync(Principal by, InboundFax fax, MailboxRights right, CancellationToken ct) =>
        fax.MailboxId is null
            ? by.IsPostOffice
            : await rights.HasAsync(by, fax.MailboxId.Value, right, ct).ConfigureAwait(false);

    private InboundEvent Event(long faxId, string kind, Principal by, string message) => new()
    {
        FaxId = faxId,
        At = time.GetUtcNow(),
        Kind = kind,
        UserId = by.UserId == 0 ? null : by.UserId,
        Message = message,
    };
}
