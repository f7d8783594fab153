using FaxPost.Core.Accounts;
using FaxPost.Core.Rights;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FaxPost.Web.Api;

/// <summary>
/// Notification settings per user (issue 6 §6): which job changes are mailed (default, off, final,
/// all) and how (default, text, html). Users read and change their own under /me; administrators
/// anyone's under /users/{id}. "default" follows the server's Mail:Notify and Mail:NotifyHtml.
/// </summary>
internal static class NotificationEndpoints
{
    public static void Map(RouteGroupBuilder api)
    {
        var me = api.MapGroup("/me/notifications").WithTags("Me");
        me.MapGet("/", async (Principal by, NotificationPreferences preferences, CancellationToken ct) =>
            NotificationView.Of(await preferences.GetAsync(by, by.UserId, ct).ConfigureAwait(false)))
            .WithName("GetMyNotifications").WithSummary("Which job changes you are mailed about, and in which format.");
        me.MapPut("/", async (NotificationJson body, Principal by, NotificationPreferences preferences, CancellationToken ct) =>
            NotificationView.Of(await preferences.SetAsync(by, by.UserId, body.Level, body.Format, ct).ConfigureAwait(false)))
            .WithName("SetMyNotifications").WithSummary("Changes your notification settings; a field left out keeps its value.");

        var users = api.MapGroup("/users/{id:long}/notifications").WithTags("Administration");
        users.MapGet("/", async (long id, Principal by, NotificationPreferences preferences, CancellationToken ct) =>
            NotificationView.Of(await preferences.GetAsync(by, id, ct).ConfigureAwait(false)))
            .WithName("GetUserNotifications");
        users.MapPut("/", async (long id, NotificationJson body, Principal by, NotificationPreferences preferences, CancellationToken ct) =>
            NotificationView.Of(await preferences.SetAsync(by, id, body.Level, body.Format, ct).ConfigureAwait(false)))
            .WithName("SetUserNotifications");
    }

    public sealed record NotificationJson(NotifyLevel? Level, NotifyFormat? Format);
}

public sealed record NotificationView(NotifyLevel Level, NotifyFormat Format)
{
    public static NotificationView Of(NotificationSettings settings) => new(settings.Level, settings.Format);
}
