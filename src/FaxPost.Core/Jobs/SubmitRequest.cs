using FaxPost.Imaging.Conversion;

namespace FaxPost.Core.Jobs;

/// <summary>A recipient as a front door names it: a number, an address-book contact, or a distribution list.</summary>
public sealed record RecipientSpec(string? Number = null, string? Name = null, string? Company = null, long? ContactId = null, long? ListId = null);

/// <summary>An uploaded document: the user's file name and its bytes (read once, stored before conversion).</summary>
public sealed record UploadedDocument(string FileName, Stream Content);

/// <summary>Everything a front door passes to <see cref="JobService.SubmitAsync"/>.</summary>
public sealed record SubmitRequest
{
    /// <summary>Sending mailbox; null = the submitter's personal mailbox.</summary>
    public long? MailboxId { get; init; }

    public required IReadOnlyList<RecipientSpec> Recipients { get; init; }

    public required IReadOnlyList<UploadedDocument> Documents { get; init; }

    public FaxResolution Resolution { get; init; } = FaxResolution.Fine;

    public int Priority { get; init; } = JobDefaults.Priority;

    public DateTimeOffset? NotBefore { get; init; }

    /// <summary>Null = the server's Retry:MaxTries.</summary>
    public int? MaxTries { get; init; }

    public bool CoverPage { get; init; }

    public string? Subject { get; init; }

    public string? Note { get; init; }

    public string? NotifyAddress { get; init; }

    /// <summary>
    /// Called with the new group's id once the submission is stored, before conversion and before any
    /// observer hears of its jobs (the mail gateway marks a serial letter's faxes here, so they get the
    /// letter's report instead of per-job notices). Throwing refuses the submission: nothing of it stays.
    /// </summary>
    public Func<long, CancellationToken, Task>? Stored { get; init; }

    /// <summary>How long the caller waits for conversion before getting "accepted, converting".</summary>
    public TimeSpan WaitForConversion { get; init; } = TimeSpan.FromSeconds(60);
}

/// <summary>Changes to a waiting job's send options (right: change send options).</summary>
public sealed record JobChanges(int? Priority = null, DateTimeOffset? NotBefore = null, bool ClearNotBefore = false, int? MaxTries = null, string? NotifyAddress = null, FaxResolution? Resolution = null);
