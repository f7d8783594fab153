using FaxPost.Core.Storage;

namespace FaxPost.Gateways.Mail;

/// <summary>Which job changes a user is mailed about.</summary>
public enum NotifyLevel
{
    /// <summary>The server default (<see cref="MailGatewayOptions.Notify"/>).</summary>
    Default = 0,
    Off = 1,

    /// <summary>Only done and failed.</summary>
    Final = 2,

    /// <summary>Queued, retrying, failed, done.</summary>
    All = 3,
}

public enum NotifyFormat
{
    Default = 0,
    Text = 1,
    Html = 2,
}

/// <summary>A user's notification settings (issue 6 §6: configurable per user), kept in the settings store.</summary>
public sealed class NotificationPreferences(IPostOfficeStore store)
{
    public async Task<(NotifyLevel Level, NotifyFormat Format)> GetAsync(long userId, CancellationToken ct)
    {
        string? value = await store.Settings.GetAsync(Key(userId), ct).ConfigureAwait(false);
        if (value is null)
        {
            return (NotifyLevel.Default, NotifyFormat.Default);
        }

        var parts = value.Split(',');
        var level = Enum.TryParse<NotifyLevel>(parts[0], true, out var l) ? l : NotifyLevel.Default;
        var format = parts.Length > 1 && Enum.TryParse<NotifyFormat>(parts[1], true, out var f) ? f : NotifyFormat.Default;
        return (level, format);
    }

    public Task SetAsync(long userId, NotifyLevel level, NotifyFormat format, CancellationToken ct) =>
        store.Settings.SetAsync(Key(userId), $"{level},{format}", ct);

    private static string Key(long userId) => $"mail.notify.user.{userId}";
}
