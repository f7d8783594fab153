using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;

namespace FaxPost.Core;

/// <summary>
/// Hooks for what happens after the post office changes something: notifications on job changes,
/// delivery of routed faxes by e-mail or to a folder. Gateways implement it; a failing observer
/// is logged and never undoes the change.
/// </summary>
public interface IPostOfficeObserver
{
    Task JobChangedAsync(FaxJob job, string message, CancellationToken ct);

    Task FaxArrivedAsync(InboundFax fax, CancellationToken ct);
}
