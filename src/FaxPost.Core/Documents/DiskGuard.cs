using FaxPost.Core.Configuration;

namespace FaxPost.Core.Documents;

/// <summary>
/// Refuses new work while the disk holding faxes is nearly full (seed 002: check the space for
/// faxes regularly), so a full disk turns into a clear error instead of truncated files.
/// </summary>
public sealed class DiskGuard(IDocumentStore documents, LimitOptions limits)
{
    public long AvailableBytes => documents.AvailableBytes;

    public long MinimumBytes => limits.MinFreeDiskBytes;

    public bool HasRoom(out string? reason)
    {
        long free = documents.AvailableBytes;
        if (free < limits.MinFreeDiskBytes)
        {
            reason = $"only {free / (1024 * 1024)} MiB free on the fax store; at least {limits.MinFreeDiskBytes / (1024 * 1024)} MiB are required";
            return false;
        }

        reason = null;
        return true;
    }

    public void Demand()
    {
        if (!HasRoom(out string? reason))
        {
            throw new OverloadedException($"The server refuses new faxes for now: {reason}.");
        }
    }
}
