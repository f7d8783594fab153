using System.Net;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The outbox and job page: who may see, stop, delete and change a job; live updates only of one's own jobs.</summary>
public sealed class OutboxPageTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private TestPostOffice Office => shared.Office;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private async Task<FaxJob?> StoredAsync(long id) => await Office.Store.Jobs.GetAsync(id, CancellationToken.None);

    [Fact]
    public async Task A_stranger_gets_404_for_every_url_of_a_job_and_changes_nothing()
    {
        var owner = await Office.UserAsync(Unique("out-owner"));
        var stranger = await Office.UserAsync(Unique("out-stranger"));
        var job = await Office.WaitingJobAsync(owner);
        using var session = await WebSession.LogInAsync(Office, stranger);

        foreach (string path in new[] { $"/outbox/job/{job.Id}", $"/outbox/job/{job.Id}/download?format=pdf", $"/outbox/job/{job.Id}/page/1.png?w=240" })
        {
            using var response = await session.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
        }

        foreach (string handler in new[] { "Stop", "Delete", "Change" })
        {
            await session.GetHtmlAsync("/outbox");
            using var response = await session.PostFormAsync($"/outbox/job/{job.Id}?handler={handler}", ("priority", "200"));
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{handler}: {(int)response.StatusCode}");
        }

        var stored = await StoredAsync(job.Id);
        Assert.Equal(JobState.Queued, stored!.State);
        Assert.Equal(job.Priority, stored.Priority);
        Assert.DoesNotContain($"data-job=\"{job.Id}\"", await session.GetHtmlAsync("/outbox"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sender_without_stop_delete_or_change_rights_sees_the_job_but_no_such_buttons_and_is_refused()
    {
        var owner = await Office.UserAsync(Unique("team"));
        var sender = await Office.UserAsync(Unique("sender-only"));
        await Office.GrantAsync(owner.MailboxId, sender, MailboxRights.Send);
        var job = await Office.WaitingJobAsync(owner);
        using var session = await WebSession.LogInAsync(Office, sender);

        string page = await session.GetHtmlAsync($"/outbox/job/{job.Id}");
        Assert.Contains("scheduled for", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Stop", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Delete", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Change", page, StringComparison.Ordinal);

        foreach (string handler in new[] { "Stop", "Delete", "Change" })
        {
            await session.GetHtmlAsync($"/outbox/job/{job.Id}");
            using var response = await session.PostFormAsync($"/outbox/job/{job.Id}?handler={handler}", ("priority", "200"));
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{handler}: {(int)response.StatusCode}");
        }

        var stored = await StoredAsync(job.Id);
        Assert.Equal(JobState.Queued, stored!.State);
        Assert.Equal(job.Priority, stored.Priority);
    }

    [Fact]
    public async Task The_owner_changes_the_send_options_stops_and_deletes_a_job()
    {
        var owner = await Office.UserAsync(Unique("full"));
        var job = await Office.WaitingJobAsync(owner);
        using var session = await WebSession.LogInAsync(Office, owner);

        string page = await session.GetHtmlAsync($"/outbox/job/{job.Id}");
        Assert.Contains("No call has been made for this fax yet.", page, StringComparison.Ordinal);
        using (var bad = await session.PostFormAsync($"/outbox/job/{job.Id}?handler=Change", ("priority", "999")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("class=\"error\"", session.LastHtml, StringComparison.Ordinal);
        }

        using (var change = await session.PostFormAsync($"/outbox/job/{job.Id}?handler=Change", ("priority", "200"), ("maxTries", "5"), ("resolution", "fine")))
        {
            Assert.Equal(HttpStatusCode.Redirect, change.StatusCode);
        }

        var changed = await StoredAsync(job.Id);
        Assert.Equal(200, changed!.Priority);
        Assert.Equal(5, changed.MaxTries);

        await session.GetHtmlAsync($"/outbox/job/{job.Id}");
        using (var stop = await session.PostFormAsync($"/outbox/job/{job.Id}?handler=Stop"))
        {
            Assert.Equal(HttpStatusCode.Redirect, stop.StatusCode);
        }

        Assert.Equal(JobState.Cancelled, (await StoredAsync(job.Id))!.State);
        string stopped = await session.GetHtmlAsync($"/outbox/job/{job.Id}");
        Assert.Contains($"stopped: stopped by {owner.Login}", stopped, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Stop", stopped, StringComparison.Ordinal);

        using (var delete = await session.PostFormAsync($"/outbox/job/{job.Id}?handler=Delete"))
        {
            Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        }

        Assert.Null(await StoredAsync(job.Id));
        using var gone = await session.GetAsync($"/outbox/job/{job.Id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task The_live_feed_tells_each_user_about_their_own_jobs_only()
    {
        var owner = await Office.UserAsync(Unique("live"));
        var stranger = await Office.UserAsync(Unique("live-stranger"));
        var mine = await Office.WaitingJobAsync(owner);
        var theirs = await Office.WaitingJobAsync(stranger);
        using var session = await WebSession.LogInAsync(Office, owner);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await session.OpenStreamAsync("/outbox/live", timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // The first batch is the user's unfinished jobs; then stop the job and see that arrive.
        var seen = new List<string>();
        while (!seen.Any(l => l.Contains($"\"id\":{mine.Id},", StringComparison.Ordinal)))
        {
            seen.Add(await reader.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException());
        }

        Assert.Contains(seen, l => l.Contains("scheduled for", StringComparison.Ordinal));
        await Office.Services.GetRequiredServiceOf<JobService>().CancelAsync(await Office.PrincipalAsync(owner.Id), mine.Id, CancellationToken.None);
        string? line;
        while ((line = await reader.ReadLineAsync(timeout.Token)) is not null && !line.Contains("\"final\":true", StringComparison.Ordinal))
        {
            seen.Add(line);
        }

        Assert.NotNull(line);
        Assert.Contains($"\"id\":{mine.Id},", line, StringComparison.Ordinal);
        Assert.Contains("stopped", line, StringComparison.Ordinal);
        Assert.DoesNotContain(seen, l => l.Contains($"\"id\":{theirs.Id},", StringComparison.Ordinal));
    }
}

internal static class ServiceProviderOf
{
    public static T GetRequiredServiceOf<T>(this IServiceProvider services)
        where T : notnull => (T)(services.GetService(typeof(T)) ?? throw new InvalidOperationException($"no {typeof(T).Name}"));
}
