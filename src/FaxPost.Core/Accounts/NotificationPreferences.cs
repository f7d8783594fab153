using FaxPost.Core.Rights;
using FaxPost.Core.Storage;

namespace FaxPost.Core.Accounts;

/// <summary>Which job changes a user is mailed about.</summary>
public enum NotifyLevel
{
    /// <summary>The server default (Mail:Notify).</summary>
    Default = 0,
    Off = 1,

    /// <summary>Only done and failed.</summary>
    Final = 2,

    /// <summary>Queued, retrying, failed, done.</summary>
    All = 3,
}

public enum NotifyFormat
{
    /// <summary>The server default (Mail:NotifyHtml).</summary>
    Default = 0,
    Text = 1,

    /// <summary>HTML with a first-page thumbnail and the transmission report (seed 003).</summary>
    Html = 2,
}

/// <summary>A user's notification settings.</summary>
public sealed record NotificationSettings(NotifyLevel Level, NotifyFormat Format);

/// <summary>
/// A user's notification settings (issue 6 §6: configurable per user), kept in the settings store.
/// Users read and change their own; administrators anyone's.
/// </summary>
public sealed class NotificationPreferences(IPostOfficeStore store)
{
    /// <summary>The settings of a user, for the post office itself (no rights check).</summary>
    public async Task<NotificationSettings> GetAsync(long userId, CancellationToken ct)
    {
        string? value = await store.Settings.GetAsync(Key(userId), ct).ConfigureAwait(false);
        if (value is null)
        {
            return new NotificationSettings(NotifyLevel.Default, NotifyFormat.Default);
        }

        var parts = value.Split(',');
        var level = Enum.TryParse<NotifyLevel>(parts[0], true, out var l) ? l : NotifyLevel.Default;
        var format = parts.Length > 1 && Enum.TryParse<NotifyFormat>(parts[1], true, out var f) ? f : NotifyFormat.Default;
        return new NotificationSettings(level, format);
    }

    public Task SetAsync(long userId, NotifyLevel level, NotifyFormat format, CancellationToken ct) =>
        store.Settings.SetAsync(Key(userId), $"{level},{format}", ct);

    /// <summary>A user's settings as <paramref name="by"/> may see them: their own, or anyone's for an administrator.</summary>
    public async Task<NotificationSettings> GetAsync(Principal by, long userId, CancellationToken ct)
    {
        await DemandAsync(by, userId, ct).ConfigureAwait(false);
        return await GetAsync(userId, ct).ConfigureAwait(false);
    }

    /// <summary>Changes what is given (null keeps the current value); returns the new settings.</summary>
    public async Task<NotificationSettings> SetAsync(Principal by, long userId, NotifyLevel? level, NotifyFormat? format, CancellationToken ct)
    {
        await DemandAsync(by, userId, ct).ConfigureAwait(false);
        if (level is { } l && !Enum.IsDefined(l))
        {
            throw new ValidationException("The notification level is default, off, final or all.");
        }

        if (format is { } f && !Enum.IsDefined(f))
        {
            throw new ValidationException("The notification format is default, text or html.");
        }

        var current = await GetAsync(userId, ct).ConfigureAwait(false);
        var changed = new NotificationSettings(level ?? current.Level, format ?? current.Format);
        await SetAsync(userId, changed.Level, changed.Format, ct).ConfigureAwait(false);
        return changed;
    }

    private async Task DemandAsync(Principal by, long userId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (by.UserId != userId)
        {
            AuthorizationService.DemandAdministrator(by);
        }

        _ = await store.Users.GetAsync(userId, ct).ConfigureAwait(false) ?? throw new NotFoundException($"There is no user {userId}.");
    }

    private static string Key(long userId) => $"mail.notify.user.{userId}";
}
