using FaxPost.Core.Lines;

namespace FaxPost.Web.Tests.Infrastructure;

/// <summary>
/// A fax line for API tests: each call reports dialling, then each page sent and confirmed, then
/// succeeds (numbers ending in 666 do not exist). While <see cref="Hold"/> is set, calls wait after dialling until it is released, so a
/// test can watch or stop a call in progress.
/// </summary>
internal sealed class ScriptedLine : IFaxLine
{
    public string Name => "scripted";

    public int Channels => 2;

    public TaskCompletionSource? Hold { get; set; }

    public TaskCompletionSource Dialled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Serves(string e164) => true;

    public async Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct)
    {
        reporter.Progress(new CallProgress(CallPhase.Dialling, 0, call.PageCount, null));
        Dialled.TrySetResult();
        if (Hold is { } hold)
        {
            await hold.Task.WaitAsync(ct);
        }

        if (call.E164.EndsWith("666", StringComparison.Ordinal))
        {
            return new CallOutcome(CallResult.PermanentFailure, 0, null, TimeSpan.FromSeconds(1), "the number does not exist", Name);
        }

        reporter.Progress(new CallProgress(CallPhase.Connected, 0, call.PageCount, "+49 30 999"));
        for (int page = call.FirstPage + 1; page <= call.PageCount; page++)
        {
            reporter.Progress(new CallProgress(CallPhase.SendingPage, page, call.PageCount, "+49 30 999"));
            await reporter.PageConfirmedAsync(page, ct);
        }

        return new CallOutcome(CallResult.Success, call.PageCount - call.FirstPage, "+49 30 999", TimeSpan.FromSeconds(3), "all pages sent", Name);
    }

    public Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct) => Task.Delay(Timeout.Infinite, ct);
}
