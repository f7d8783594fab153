using FaxPost.Imaging.Conversion;

namespace FaxPost.Core.Jobs;

/// <summary>
/// One fax to one destination. A submission to several recipients becomes one job per
/// destination sharing a <see cref="GroupId"/> and the same documents (as HylaFAX does), so each
/// destination has its own state, tries and result.
/// </summary>
public sealed class FaxJob
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    /// <summary>The sending mailbox (its fax ID is the TSI; its rights govern the job).</summary>
    public long MailboxId { get; set; }

    public long SubmittedBy { get; set; }

    /// <summary>The number as the user gave it.</summary>
    public required string Destination { get; set; }

    /// <summary>The number normalised to E.164 (+4989...) by the organisation numbering.</summary>
    public required string DialNumber { get; set; }

    /// <summary>Target mailbox when the destination is one of our own extensions (never uses a line).</summary>
    public long? InternalMailboxId { get; set; }

    public string? RecipientName { get; set; }

    public string? RecipientCompany { get; set; }

    public FaxResolution Resolution { get; set; } = FaxResolution.Fine;

    /// <summary>0 (lowest) .. 255 (highest); 127 by default, as in HylaFAX.</summary>
    public int Priority { get; set; } = JobDefaults.Priority;

    public DateTimeOffset? NotBefore { get; set; }

    public int MaxTries { get; set; } = JobDefaults.MaxTries;

    public bool CoverPage { get; set; }

    public string? Subject { get; set; }

    public string? Note { get; set; }

    public string? NotifyAddress { get; set; }

    public JobState State { get; set; } = JobState.Submitted;

    public int Tries { get; set; }

    public DateTimeOffset? NextAttemptAt { get; set; }

    /// <summary>Pages of the converted document (cover page included).</summary>
    public int PageCount { get; set; }

    /// <summary>Pages the far end confirmed (MCF) over all attempts; a retry resumes after them.</summary>
    public int PagesSent { get; set; }

    /// <summary>Last failure or final result in words, for people.</summary>
    public string? LastError { get; set; }

    /// <summary>Relative path of the converted TIFF-F in the document store.</summary>
    public string? FaxDocument { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }

    public bool IsInternal => InternalMailboxId is not null;
}

public static class JobDefaults
{
    public const int Priority = 127;
    public const int MaxTries = 3;
}

/// <summary>An original document of a submission, kept as uploaded.</summary>
public sealed class JobDocument
{
    public long Id { get; set; }

    public long GroupId { get; set; }

    public int Order { get; set; }

    public required string FileName { get; set; }

    /// <summary>Relative path in the document store.</summary>
    public required string StoredPath { get; set; }

    public long Size { get; set; }

    public int Pages { get; set; }
}

/// <summary>One line of a job's history.</summary>
public sealed class JobEvent
{
    public long Id { get; set; }

    public long JobId { get; set; }

    public DateTimeOffset At { get; set; }

    public JobState State { get; set; }

    public required string Message { get; set; }
}
