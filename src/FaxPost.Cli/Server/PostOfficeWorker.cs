using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Retention;
using FaxPost.Core.Scheduling;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace FaxPost.Cli.Server;

/// <summary>
/// The server's background work: document conversion, the scheduler, inbound calls on every line,
/// and the retention clean-up. On shutdown the scheduler writes back attempts in progress
/// before the process ends (graceful shutdown leaves no job half-written).
/// </summary>
internal sealed partial class PostOfficeWorker(
    ConversionWorker conversion,
    FaxScheduler scheduler,
    RetentionService retention,
    IEnumerable<IFaxLine> lines,
    InboundCallSink sink,
    ILogger<PostOfficeWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        conversion.Converted += scheduler.Wake;
        var lineList = lines.ToList();
        LogStarted(lineList.Count);
        var work = new List<Task>
        {
            conversion.RunAsync(Math.Max(1, Environment.ProcessorCount / 2), stoppingToken),
            scheduler.RunAsync(stoppingToken),
            retention.RunPeriodicallyAsync(stoppingToken),
        };
        work.AddRange(lineList.Select(line => line.RunInboundAsync(sink, stoppingToken)));
        await Task.WhenAll(work).ConfigureAwait(false);
        LogStopped();
    }

    [LoggerMessage(EventId = 100, Level = LogLevel.Information, Message = "Post office started with {Lines} line(s)")]
    private partial void LogStarted(int lines);

    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Post office stopped; no job is left half-written")]
    private partial void LogStopped();
}
