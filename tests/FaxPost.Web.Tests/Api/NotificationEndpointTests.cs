using System.Net;
using System.Net.Http.Json;
using FaxPost.Core.Accounts;
using FaxPost.Web.Api;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Tests.Api;

/// <summary>Notification settings per user over REST: own under /me, anyone's for administrators.</summary>
public sealed class NotificationEndpointTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private TestPostOffice Office => shared.Office;

    [Fact]
    public async Task A_user_reads_and_changes_their_own_settings_field_by_field()
    {
        var ann = await Office.UserAsync("ann-" + Guid.NewGuid().ToString("N")[..6]);
        using var client = Office.Client(ann.Token);

        Assert.Equal(new NotificationView(NotifyLevel.Default, NotifyFormat.Default), await HttpAssert.OkAsync<NotificationView>(await client.GetAsync("/api/v1/me/notifications")));
        Assert.Equal(new NotificationView(NotifyLevel.Final, NotifyFormat.Default), await HttpAssert.OkAsync<NotificationView>(await client.PutAsJsonAsync("/api/v1/me/notifications", new { level = "final" })));
        Assert.Equal(new NotificationView(NotifyLevel.Final, NotifyFormat.Html), await HttpAssert.OkAsync<NotificationView>(await client.PutAsJsonAsync("/api/v1/me/notifications", new { format = "html" })));
        Assert.Contains("\"level\":\"final\"", await client.GetStringAsync("/api/v1/me/notifications"), StringComparison.Ordinal);

        // What the mail gateway reads when a job changes.
        var stored = await Office.Services.GetRequiredService<NotificationPreferences>().GetAsync(ann.Id, CancellationToken.None);
        Assert.Equal(new NotificationSettings(NotifyLevel.Final, NotifyFormat.Html), stored);
    }

    [Fact]
    public async Task Only_administrators_see_and_change_other_users_settings()
    {
        string tag = Guid.NewGuid().ToString("N")[..6];
        var bea = await Office.UserAsync("bea-" + tag);
        var cem = await Office.UserAsync("cem-" + tag);
        var admin = await Office.UserAsync("adm-" + tag, Role.Administrator);
        using var asBea = Office.Client(bea.Token);
        using var asAdmin = Office.Client(admin.Token);

        await HttpAssert.ProblemAsync(await asBea.GetAsync($"/api/v1/users/{cem.Id}/notifications"), 403, ProblemKinds.Forbidden);
        await HttpAssert.ProblemAsync(await asBea.PutAsJsonAsync($"/api/v1/users/{cem.Id}/notifications", new { level = "off" }), 403, ProblemKinds.Forbidden);
        Assert.Equal(NotifyLevel.Default, (await HttpAssert.OkAsync<NotificationView>(await asAdmin.GetAsync($"/api/v1/users/{cem.Id}/notifications"))).Level);

        var changed = await HttpAssert.OkAsync<NotificationView>(await asAdmin.PutAsJsonAsync($"/api/v1/users/{cem.Id}/notifications", new { level = "off", format = "text" }));
        Assert.Equal(new NotificationView(NotifyLevel.Off, NotifyFormat.Text), changed);
        using (var asCem = Office.Client(cem.Token))
        {
            Assert.Equal(changed, await HttpAssert.OkAsync<NotificationView>(await asCem.GetAsync("/api/v1/me/notifications")));
            Assert.Equal(changed, await HttpAssert.OkAsync<NotificationView>(await asCem.GetAsync($"/api/v1/users/{cem.Id}/notifications"))); // one's own by id
        }

        await HttpAssert.ProblemAsync(await asAdmin.GetAsync("/api/v1/users/987654/notifications"), 404, ProblemKinds.NotFound);
        Assert.Equal(NotifyLevel.Default, (await HttpAssert.OkAsync<NotificationView>(await asBea.GetAsync("/api/v1/me/notifications"))).Level);
    }

    [Fact]
    public async Task Unknown_values_and_strangers_are_refused()
    {
        var dan = await Office.UserAsync("dan-" + Guid.NewGuid().ToString("N")[..6]);
        using var client = Office.Client(dan.Token);

        await HttpAssert.ProblemAsync(await client.PutAsJsonAsync("/api/v1/me/notifications", new { level = "loud" }), 400);
        await HttpAssert.ProblemAsync(await client.PutAsJsonAsync("/api/v1/me/notifications", new { level = 7 }), 400);
        Assert.Equal(NotifyLevel.Default, (await HttpAssert.OkAsync<NotificationView>(await client.GetAsync("/api/v1/me/notifications"))).Level);

        using var stranger = Office.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.GetAsync("/api/v1/me/notifications")).StatusCode);
    }
}
