using FaxPost.Core.Log;
using FaxPost.Core.Routing;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Inbound;

/// <summary>What arrived: the pages (already in the document store) and what the call told us.</summary>
public sealed record ArrivedFax(
    string Document,
    int Pages,
    string? CallerNumber,
    string? SenderId,
    string? DialledNumber,
    string? SubAddress,
    bool Partial,
    string Line,
    TimeSpan Duration,
    long? FromJobId = null);

/// <summary>
/// Takes in every fax that arrives — over a line or internally — routes it, stores it, logs it in the
/// receive log and tells the observers (delivery by mail, folder). One path for both, so an internal
/// fax is routed exactly like an external one.
/// </summary>
public sealed class FaxIntake(IPostOfficeStore store, InboundRouter router, Observers observers, TimeProvider time)
{
    public async Task<InboundFax> AcceptAsync(ArrivedFax arrived, CancellationToken ct)
    {
        var decision = await router.RouteAsync(arrived.DialledNumber, arrived.CallerNumber, arrived.SenderId, arrived.SubAddress, ct).ConfigureAwait(false);
        var now = time.GetUtcNow();
        var fax = new InboundFax
        {
            MailboxId = decision.MailboxId,
            CallerNumber = arrived.CallerNumber,
            SenderId = arrived.SenderId,
            DialledNumber = arrived.DialledNumber,
            SubAddress = arrived.SubAddress,
            Pages = arrived.Pages,
            ReceivedAt = now,
            State = decision.Routed ? InboundState.Routed : InboundState.Unroutable,
            Reason = decision.Reason,
            Document = arrived.Document,
            FromJobId = arrived.FromJobId,
            Partial = arrived.Partial,
            UpdatedAt = now,
        };
        string partial = arrived.Partial ? " (call ended early: only these pages arrived)" : "";
        string message = decision.Routed
            ? $"{arrived.Pages} page(s) routed to {decision.Explanation}{partial}"
            : $"{arrived.Pages} page(s) to the fax post office: {decision.Explanation}{partial}";
        fax.Id = await store.Inbound.AddAsync(fax, message, ct).ConfigureAwait(false);
        await store.Log.AddAsync(
            new TransmissionRecord
            {
                At = now,
                Direction = Direction.Receive,
                MailboxId = fax.MailboxId,
                FaxId = fax.Id,
                JobId = arrived.FromJobId,
                RemoteNumber = arrived.CallerNumber,
                RemoteId = arrived.SenderId,
                Pages = arrived.Pages,
                Duration = arrived.Duration,
                Result = arrived.Partial ? "partial" : "ok",
                Reason = decision.Routed ? null : decision.Explanation,
                Line = arrived.Line,
            },
            ct).ConfigureAwait(false);
        await observers.FaxArrivedAsync(fax, ct).ConfigureAwait(false);
        return fax;
    }
}
