using FaxPost.Core.Inbound;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FaxPost.Gateways.Mail;

/// <summary>
/// Records on a received fax what became of its mail: delivered (state Delivered, a "mailed" event),
/// or failed for good, which puts the fax in the fax post office queue (issue 6 §4) so a person
/// sees it. Used by the outbox after each final attempt, also for mails queued before a restart.
/// </summary>
public sealed partial class FaxMailDelivery(IPostOfficeStore store, TimeProvider time, ILogger<FaxMailDelivery> logger)
{
    public async Task DeliveredAsync(long faxId, QueuedMailKind kind, string addresses, CancellationToken ct)
    {
        var fax = await store.Inbound.GetAsync(faxId, ct).ConfigureAwait(false);
        if (fax is null || fax.State == InboundState.Delivered)
        {
            return; // recorded already (a follow-up finished again after a restart)
        }

        var now = time.GetUtcNow();
        string what = kind == QueuedMailKind.FaxNotice ? $"notice without pages mailed to {addresses}" : $"mailed to {addresses}";
        fax.State = InboundState.Delivered;
        fax.UpdatedAt = now;
        await store.Inbound.UpdateAsync(fax, new InboundEvent { FaxId = faxId, At = now, Kind = "mailed", Message = what }, ct).ConfigureAwait(false);
    }

    /// <summary>A permanent failure: the fax goes to the fax post office queue (it keeps its mailbox for the record).</summary>
    public async Task FailedAsync(long faxId, string reason, CancellationToken ct)
    {
        var fax = await store.Inbound.GetAsync(faxId, ct).ConfigureAwait(false);
        if (fax is null)
        {
            return;
        }

        var now = time.GetUtcNow();
        fax.State = InboundState.Unroutable;
        fax.Reason = UnroutableReason.DeliveryFailed;
        fax.UpdatedAt = now;
        await store.Inbound.UpdateAsync(fax, new InboundEvent { FaxId = faxId, At = now, Kind = "unroutable", Message = reason }, ct).ConfigureAwait(false);
        LogDeliveryFailed(faxId, reason);
    }

    [LoggerMessage(EventId = 6202, Level = LogLevel.Warning, Message = "Fax {FaxId} goes to the fax post office: {Reason}")]
    private partial void LogDeliveryFailed(long faxId, string reason);
}
