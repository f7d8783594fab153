using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core;

/// <summary>Calls every <see cref="IPostOfficeObserver"/>; an observer's failure is logged, never passed on.</summary>
public sealed partial class Observers(IEnumerable<IPostOfficeObserver> observers, ILogger<Observers> logger)
{
    private readonly IPostOfficeObserver[] _observers = observers.ToArray();

    public async Task JobChangedAsync(FaxJob job, string message, CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.JobChangedAsync(job, message, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogObserverFailed(e, observer.GetType().Name, "job", job.Id);
            }
        }
    }

    public async Task FaxArrivedAsync(InboundFax fax, CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            try
            {
                await observer.FaxArrivedAsync(fax, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogObserverFailed(e, observer.GetType().Name, "fax", fax.Id);
            }
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Error, Message = "Observer {Observer} failed for {Kind} {Id}")]
    private partial void LogObserverFailed(Exception e, string observer, string kind, long id);
}
