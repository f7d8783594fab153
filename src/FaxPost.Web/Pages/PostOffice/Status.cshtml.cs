using FaxPost.Core.Documents;
using FaxPost.Core.Inbound;
using FaxPost.Core.Jobs;
using FaxPost.Core.Lines;
using FaxPost.Core.Rights;
using FaxPost.Core.Scheduling;
using FaxPost.Core.Storage;
using FaxPost.Web.Ui;

namespace FaxPost.Web.Pages.PostOffice;

/// <summary>One line or trunk: its name, channels and the calls on it now.</summary>
public sealed record LineState(string Name, int Channels, int Calls, IReadOnlyList<TrunkStatus> Trunks);

/// <summary>
/// The server at a glance for the fax post office (seed 002: check storage regularly): lines and
/// trunks with their calls, the line budget, the queue by state, the unroutable count and disk space.
/// </summary>
public sealed class StatusModel(IPostOfficeStore store, IEnumerable<IFaxLine> lines, FaxScheduler scheduler, LineBudget budget, DiskGuard disk, InboxService inbox) : FaxPostPageModel
{
    private static readonly JobState[] Waiting = [JobState.Submitted, JobState.Converting, JobState.Queued, JobState.InProgress, JobState.WaitingToRetry];

    public IReadOnlyList<LineState> Lines { get; private set; } = [];

    public LineBudget Budget => budget;

    public IReadOnlyList<(JobState State, int Count)> Queue { get; private set; } = [];

    public int QueueDepth => Queue.Sum(q => q.Count);

    public int Unroutable { get; private set; }

    public long FreeBytes { get; private set; }

    public long MinimumBytes => disk.MinimumBytes;

    public string? DiskProblem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        AuthorizationService.DemandPostOffice(Caller);
        Lines = lines.Select(l => new LineState(l.Name, l.Channels, scheduler.CallsOn(l), l is ITrunkStatusSource t ? t.TrunkStatuses() : [])).ToList();
        var jobs = await store.Jobs.InStatesAsync(Waiting, ct).ConfigureAwait(false);
        Queue = Waiting.Select(s => (s, jobs.Count(j => j.State == s))).ToList();
        Unroutable = (await inbox.ListAsync(Caller, new InboundQuery(Unroutable: true, Limit: 10_000), ct).ConfigureAwait(false)).Count;
        FreeBytes = disk.AvailableBytes;
        _ = disk.HasRoom(out string? problem);
        DiskProblem = problem;
    }

    public static string Words(JobState state) => state switch
    {
        JobState.Submitted => "Submitted",
        JobState.Converting => "Converting",
        JobState.Queued => "Queued",
        JobState.InProgress => "Sending now",
        JobState.WaitingToRetry => "Waiting to retry",
        _ => state.ToString(),
    };
}
