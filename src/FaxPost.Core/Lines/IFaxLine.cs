namespace FaxPost.Core.Lines;

/// <summary>
/// What the post office knows of telephony (ARCHITECTURE): a line (a SIP trunk, later a modem)
/// places outbound fax calls and hands inbound ones to an <see cref="IInboundCallSink"/>.
/// Implemented in FaxPost.Telephony; tests use a scripted line.
/// </summary>
public interface IFaxLine
{
    /// <summary>Name shown in logs and in the console ("trunk1").</summary>
    string Name { get; }

    /// <summary>Simultaneous calls this line can carry.</summary>
    int Channels { get; }

    /// <summary>Whether this line should carry calls to the number (least-cost routing by prefix).</summary>
    bool Serves(string e164);

    /// <summary>Whether a call to the number could start now: a line made of trunks says no while every
    /// trunk that carries the number is busy, so the job waits in the queue instead of spending a try.</summary>
    bool HasFreeChannelFor(string e164) => true;

    /// <summary>Places one fax call and sends <see cref="OutboundCall.PageCount"/> pages from
    /// <see cref="OutboundCall.FirstPage"/> on. For each page the far end confirms (MCF) the line
    /// awaits <see cref="ICallReporter.PageConfirmedAsync"/> before it sends the next one, so the
    /// post office has stored the confirmation. Never throws for call failures: they are outcomes.</summary>
    Task<CallOutcome> PlaceCallAsync(OutboundCall call, ICallReporter reporter, CancellationToken ct);

    /// <summary>Starts taking inbound calls, handing each to <paramref name="sink"/>, until cancelled.</summary>
    Task RunInboundAsync(IInboundCallSink sink, CancellationToken ct);
}

/// <summary>An outbound call: where to, what to send and how we identify.</summary>
/// <param name="FaxDocument">Absolute path of the TIFF-F to send.</param>
/// <param name="FirstPage">Zero-based first page to send (pages before it were confirmed in an earlier try).</param>
/// <param name="Fallback">Later tries may ask for a lower rate and no ECM (issue 5's field lesson).</param>
public sealed record OutboundCall(
    long JobId,
    string E164,
    string DialString,
    string FaxDocument,
    int FirstPage,
    int PageCount,
    string? LocalId,
    string? CallerNumber,
    bool Fallback);

/// <summary>What a line tells the post office while a call runs.</summary>
public interface ICallReporter
{
    /// <summary>Live progress for people ("dialling", "sending page 2 of 5"); returns at once.</summary>
    void Progress(CallProgress progress);

    /// <summary>The far end confirmed <paramref name="page"/> (1-based, counted within this call).
    /// Completes once the confirmation is durable.</summary>
    Task PageConfirmedAsync(int page, CancellationToken ct);
}

/// <summary>Live progress of a call, for the CLI/web ("dialling", "page 2 of 5").</summary>
public readonly record struct CallProgress(CallPhase Phase, int Page, int Pages, string? RemoteId);

public enum CallPhase
{
    Dialling = 1,
    Connected = 2,
    SendingPage = 3,
    /// <summary>The far end confirmed a page (MCF): <see cref="CallProgress.Page"/> is that page's 1-based number.</summary>
    PageConfirmed = 4,
    Finishing = 5,
}

public enum CallResult
{
    /// <summary>All pages confirmed by the far end (T.30 phase E completed).</summary>
    Success = 1,
    Busy = 2,
    NoAnswer = 3,
    /// <summary>The line or trunk is down or congested (try again, maybe elsewhere).</summary>
    LineUnavailable = 4,
    /// <summary>The call failed in a way a later try may fix (fax protocol error, dropped call).</summary>
    TemporaryFailure = 5,
    /// <summary>The number does not exist or refuses faxes: retrying will not help.</summary>
    PermanentFailure = 6,
}

/// <summary>How a call ended. <see cref="PagesConfirmed"/> counts pages of this call only.</summary>
public sealed record CallOutcome(
    CallResult Result,
    int PagesConfirmed,
    string? RemoteId,
    TimeSpan Duration,
    string Reason,
    string? Line = null,
    int BitRate = 0,
    bool Ecm = false);

/// <summary>Receives inbound calls from lines. The post office implements it.</summary>
public interface IInboundCallSink
{
    /// <summary>Decides whether to answer (line budget, security) and where the pages go.
    /// Returns null to refuse the call (busy).</summary>
    Task<InboundReception?> OfferAsync(IncomingCall call, CancellationToken ct);
}

/// <summary>Who is calling, as signalled before the fax starts.</summary>
public sealed record IncomingCall(string Line, string? CallerNumber, string? DialledNumber, string? CallId);

/// <summary>
/// An accepted inbound call. The line writes pages to <see cref="DocumentPath"/> (TIFF-F) as each
/// one is confirmed, reports T.30 identification when known, and completes with the outcome.
/// </summary>
public abstract class InboundReception
{
    public abstract string DocumentPath { get; }

    /// <summary>Called once the sender's TSI / sub-address are known (after DCS), before pages arrive.</summary>
    public abstract Task IdentifiedAsync(string? senderId, string? subAddress, CancellationToken ct);

    /// <summary>Called when the call ends, successful or not; <paramref name="pages"/> are in the document.</summary>
    public abstract Task CompleteAsync(int pages, CallOutcome outcome, CancellationToken ct);
}
