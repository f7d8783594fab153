using System.Globalization;
using System.Text;
using FaxPost.Core.Lines;

namespace FaxPost.TestHost;

/// <summary>
/// A fax line for end-to-end tests, driven by environment variables:
/// FAXPOST_TESTLINE_SCRIPT  outcomes of successive calls, e.g. "busy,ok" (ok, busy, noanswer, reject, drop:N);
/// FAXPOST_TESTLINE_PAGE_MS time each page takes;
/// FAXPOST_TESTLINE_LOG     file to which "send JOB PAGE" and "confirmed JOB PAGE" lines are appended
///                          (flushed to disk each time), so a test can check no confirmed page was sent twice.
/// </summary>
internal sealed class ScriptedLine(string[] script, int pageMilliseconds, string? logPath) : IFaxLine
{
    private readonly Lock _lock = new();
    private int _call;

    public string Name => "testline";

    public int Channels => 8;

    public static ScriptedLine FromEnvironment() => new(
        (Environment.GetEnvironmentVariable("FAXPOST_TESTLINE_SCRIPT") ?? "ok").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries),
        int.TryParse(Environment.GetEnvironmentVariable("FAXPOST_TESTLINE_PAGE_MS"), CultureInfo.InvariantCulture, out int ms) ? ms : 50,
        Environment.GetEnvironmentVariable("FAXPOST_TESTLINE_LOG"));

    public bool Serves(string e164) => true;

    public async Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct)
    {
        string step;
        lock (_lock)
        {
            step = script.Length == 0 ? "ok" : script[Math.Min(_call, script.Length - 1)];
            _call++;
        }

        reporter.Progress(new CallProgress(CallPhase.Dialling, 0, 0, null));
        switch (step)
        {
            case "busy":
                return new CallOutcome(CallResult.Busy, 0, null, TimeSpan.FromSeconds(5), "the line was busy", Name);
            case "noanswer":
                return new CallOutcome(CallResult.NoAnswer, 0, null, TimeSpan.FromSeconds(60), "no answer", Name);
            case "reject":
                return new CallOutcome(CallResult.PermanentFailure, 0, null, TimeSpan.FromSeconds(1), "the number does not exist (404)", Name);
        }

        int dropAfter = step.StartsWith("drop:", StringComparison.Ordinal) ? int.Parse(step[5..], CultureInfo.InvariantCulture) : int.MaxValue;
        reporter.Progress(new CallProgress(CallPhase.Connected, 0, 0, "TEST LINE"));
        int toSend = call.PageCount - call.FirstPage;
        var started = DateTime.UtcNow;
        for (int page = 1; page <= toSend; page++)
        {
            if (page > dropAfter)
            {
                return new CallOutcome(CallResult.TemporaryFailure, page - 1, "TEST LINE", DateTime.UtcNow - started, $"the far end hung up after {page - 1} page(s)", Name);
            }

            int absolute = call.FirstPage + page;
            Append($"send {call.JobId} {absolute}");
            reporter.Progress(new CallProgress(CallPhase.SendingPage, page, toSend, "TEST LINE"));
            await Task.Delay(pageMilliseconds, ct).ConfigureAwait(false);
            await reporter.PageConfirmedAsync(page, ct).ConfigureAwait(false);
            Append($"confirmed {call.JobId} {absolute}");
        }

        return new CallOutcome(CallResult.Success, toSend, "TEST LINE", DateTime.UtcNow - started, "all pages confirmed", Name, 14400, true);
    }

    public Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct) => Task.CompletedTask;

    private void Append(string line)
    {
        if (logPath is null)
        {
            return;
        }

        lock (_lock)
        {
            using var stream = new FileStream(logPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
            stream.Write(Encoding.ASCII.GetBytes(line + "\n"));
            stream.Flush(flushToDisk: true);
        }
    }
}
