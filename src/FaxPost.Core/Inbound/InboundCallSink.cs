using FaxPost.Core.Documents;
using FaxPost.Core.Lines;
using FaxPost.Core.Log;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using Microsoft.Extensions.Logging;

namespace FaxPost.Core.Inbound;

/// <summary>
/// Answers what lines offer: takes a line from the budget (the reserved inbound lines are always
/// there), refuses when the disk is nearly full, gives the line a fresh file to write pages into,
/// and passes what arrived to <see cref="FaxIntake"/> when the call ends.
/// </summary>
public sealed partial class InboundCallSink(
    IDocumentStore documents,
    IPostOfficeStore store,
    LineBudget budget,
    DiskGuard disk,
    FaxIntake intake,
    TimeProvider time,
    ILogger<InboundCallSink> logger) : IInboundCallSink
{
    private readonly IDocumentStore _documents = documents;
    private readonly IPostOfficeStore _store = store;
    private readonly LineBudget _budget = budget;
    private readonly FaxIntake _intake = intake;
    private readonly TimeProvider _time = time;

    public Task<InboundReception?> OfferAsync(IncomingCall call, CancellationToken ct)
    {
        if (!disk.HasRoom(out string? why))
        {
            LogRefused(call.Line, call.CallerNumber, why!);
            return Task.FromResult<InboundReception?>(null);
        }

        if (!_budget.TryAcquireInbound())
        {
            LogRefused(call.Line, call.CallerNumber, "all lines are busy");
            return Task.FromResult<InboundReception?>(null);
        }

        var file = _documents.Create("inbound", "tif");
        return Task.FromResult<InboundReception?>(new Reception(this, call, file, _time.GetUtcNow()));
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Refused a call on {Line} from {Caller}: {Reason}")]
    private partial void LogRefused(string line, string? caller, string reason);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Information, Message = "Fax {FaxId} received on {Line}: {Pages} page(s) from {Caller} ({SenderId})")]
    private partial void LogReceived(long faxId, string line, int pages, string? caller, string? senderId);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Call on {Line} from {Caller} ended without a page: {Reason}")]
    private partial void LogNothingReceived(string line, string? caller, string reason);

    private sealed class Reception(InboundCallSink sink, IncomingCall call, StoredFile file, DateTimeOffset started) : InboundReception
    {
        private string? _senderId;
        private string? _subAddress;
        private int _completed;

        public override string DocumentPath => file.FullPath;

        public override Task IdentifiedAsync(string? senderId, string? subAddress, CancellationToken ct)
        {
            _senderId = senderId?.Trim();
            _subAddress = subAddress?.Trim();
            return Task.CompletedTask;
        }

        public override async Task CompleteAsync(int pages, CallOutcome outcome, CancellationToken ct)
        {
            if (Interlocked.Exchange(ref _completed, 1) != 0)
            {
                return;
            }

            try
            {
                var duration = sink._time.GetUtcNow() - started;
                if (pages <= 0)
                {
                    sink._documents.Delete(file.RelativePath);
                    sink.LogNothingReceived(call.Line, call.CallerNumber, outcome.Reason);
                    await sink._store.Log.AddAsync(
                        new TransmissionRecord
                        {
                            At = sink._time.GetUtcNow(),
                            Direction = Direction.Receive,
                            RemoteNumber = call.CallerNumber,
                            RemoteId = _senderId ?? outcome.RemoteId,
                            Duration = duration,
                            Result = "failed",
                            Reason = outcome.Reason,
                            Line = call.Line,
                        },
                        ct).ConfigureAwait(false);
                    return;
                }

                bool partial = outcome.Result != CallResult.Success;
                var fax = await sink._intake.AcceptAsync(
                    new ArrivedFax(file.RelativePath, pages, call.CallerNumber, _senderId ?? outcome.RemoteId, call.DialledNumber, _subAddress, partial, call.Line, duration),
                    ct).ConfigureAwait(false);
                sink.LogReceived(fax.Id, call.Line, pages, call.CallerNumber, fax.SenderId);
            }
            finally
            {
                sink._budget.ReleaseInbound();
            }
        }
    }
}
