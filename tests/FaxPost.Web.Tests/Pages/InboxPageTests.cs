using System.Globalization;
using System.Net;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The inbox and fax viewer: rights per page and action, guessed ids, and the audit trail of reads, hand-offs and deletions.</summary>
public sealed class InboxPageTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private TestPostOffice Office => shared.Office;

    private static string Unique(string name) => name + "-" + Guid.NewGuid().ToString("N")[..8];

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    private async Task<IReadOnlyList<InboundEvent>> EventsAsync(long faxId) => await Office.Store.Inbound.EventsAsync(faxId, CancellationToken.None);

    [Fact]
    public async Task A_user_without_the_read_right_gets_404_for_every_url_of_the_fax_and_changes_nothing()
    {
        var owner = await Office.UserAsync(Unique("owner"));
        var stranger = await Office.UserAsync(Unique("stranger"));
        long fax = await Office.FaxAsync(owner.MailboxId);
        using var session = await WebSession.LogInAsync(Office, stranger);

        foreach (string path in new[] { $"/inbox/fax/{fax}", $"/inbox/fax/{fax}?n=1", $"/inbox/fax/{fax}/download?format=pdf", $"/inbox/fax/{fax}/download?format=tiff", $"/inbox/fax/{fax}/page/1.png", $"/inbox/fax/{fax}/page/1.png?w=240" })
        {
            using var response = await session.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{path}: {(int)response.StatusCode}");
            string type = response.Content.Headers.ContentType?.MediaType ?? "";
            Assert.DoesNotContain("image", type, StringComparison.Ordinal);
            Assert.DoesNotContain("pdf", type, StringComparison.Ordinal);
        }

        // A fax id that does not exist answers exactly the same.
        using (var missing = await session.GetAsync("/inbox/fax/987654321"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        await session.GetHtmlAsync("/inbox");
        using (var handOff = await session.PostFormAsync($"/inbox/fax/{fax}?handler=HandOff", ("to", Id(stranger.MailboxId))))
        {
            Assert.Equal(HttpStatusCode.NotFound, handOff.StatusCode);
        }

        await session.GetHtmlAsync("/inbox");
        using (var delete = await session.PostFormAsync($"/inbox/fax/{fax}?handler=Delete"))
        {
            Assert.Equal(HttpStatusCode.NotFound, delete.StatusCode);
        }

        var stored = await Office.Store.Inbound.GetAsync(fax, CancellationToken.None);
        Assert.Equal(owner.MailboxId, stored!.MailboxId);
        Assert.NotEqual(InboundState.Deleted, stored.State);
        Assert.DoesNotContain(await EventsAsync(fax), e => e.Kind == "read");

        // Asking for the owner's mailbox by id is refused too, and the stranger's list is empty.
        using (var other = await session.GetAsync($"/inbox?mailbox={owner.MailboxId}"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
            Assert.DoesNotContain($"/inbox/fax/{fax}", session.LastHtml, StringComparison.Ordinal);
        }

        string list = await session.GetHtmlAsync("/inbox");
        Assert.DoesNotContain($"/inbox/fax/{fax}", list, StringComparison.Ordinal);
        Assert.Contains("No faxes here yet.", list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reading_is_audited_per_page_view_and_download_but_not_per_thumbnail()
    {
        var owner = await Office.UserAsync(Unique("reader"));
        long fax = await Office.FaxAsync(owner.MailboxId, content: TestTiff.Pages(2));
        using var session = await WebSession.LogInAsync(Office, owner);

        string list = await session.GetHtmlAsync("/inbox");
        Assert.Contains($"/inbox/fax/{fax}", list, StringComparison.Ordinal);
        using (var thumb = await session.GetAsync($"/inbox/fax/{fax}/page/1.png?w=240"))
        {
            Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
            Assert.Equal("image/png", thumb.Content.Headers.ContentType!.MediaType);
            byte[] png = await thumb.Content.ReadAsByteArrayAsync();
            Assert.Equal(0x89, png[0]);
        }

        Assert.DoesNotContain(await EventsAsync(fax), e => e.Kind == "read");

        string viewer = await session.GetHtmlAsync($"/inbox/fax/{fax}?n=2");
        Assert.Contains("Page 2 of 2", viewer, StringComparison.Ordinal);
        using (var page = await session.GetAsync($"/inbox/fax/{fax}/page/2.png"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        using (var beyond = await session.GetAsync($"/inbox/fax/{fax}/page/3.png"))
        {
            Assert.Equal(HttpStatusCode.NotFound, beyond.StatusCode);
        }

        using (var pdf = await session.GetAsync($"/inbox/fax/{fax}/download?format=pdf"))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
            Assert.Equal("attachment", pdf.Content.Headers.ContentDisposition!.DispositionType);
            Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await pdf.Content.ReadAsByteArrayAsync()).AsSpan(0, 5)), StringComparison.Ordinal);
        }

        using (var tiff = await session.GetAsync($"/inbox/fax/{fax}/download?format=tiff"))
        {
            Assert.Equal("image/tiff", tiff.Content.Headers.ContentType!.MediaType);
        }

        var reads = (await EventsAsync(fax)).Where(e => e.Kind == "read").Select(e => e.Message).ToList();
        Assert.Contains(reads, m => m.Contains("page 2 in the web viewer via web", StringComparison.Ordinal) && m.StartsWith(owner.Login, StringComparison.Ordinal));
        Assert.Contains(reads, m => m.Contains("as pdf via web", StringComparison.Ordinal));
        Assert.Contains(reads, m => m.Contains("as tiff via web", StringComparison.Ordinal));
        Assert.Equal(3, reads.Count);

        // The viewer shows its own history, reads included.
        Assert.Contains("as pdf via web", await session.GetHtmlAsync($"/inbox/fax/{fax}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reader_without_hand_off_or_delete_rights_sees_no_such_forms_and_is_refused_403()
    {
        var owner = await Office.UserAsync(Unique("boss"));
        var assistant = await Office.UserAsync(Unique("assistant"));
        await Office.GrantAsync(owner.MailboxId, assistant, MailboxRights.ReadIncoming);
        long fax = await Office.FaxAsync(owner.MailboxId);
        using var session = await WebSession.LogInAsync(Office, assistant);

        string viewer = await session.GetHtmlAsync($"/inbox/fax/{fax}");
        Assert.Contains("Download PDF", viewer, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=HandOff", viewer, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Delete", viewer, StringComparison.Ordinal);

        using (var handOff = await session.PostFormAsync($"/inbox/fax/{fax}?handler=HandOff", ("to", Id(assistant.MailboxId)), ("note", "mine now")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, handOff.StatusCode);
        }

        await session.GetHtmlAsync($"/inbox/fax/{fax}");
        using (var delete = await session.PostFormAsync($"/inbox/fax/{fax}?handler=Delete"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        }

        var stored = await Office.Store.Inbound.GetAsync(fax, CancellationToken.None);
        Assert.Equal(owner.MailboxId, stored!.MailboxId);
        Assert.Equal(InboundState.Routed, stored.State);
    }

    [Fact]
    public async Task Hand_off_with_a_note_and_delete_are_done_and_written_to_the_history()
    {
        var owner = await Office.UserAsync(Unique("sender"));
        var colleague = await Office.UserAsync(Unique("colleague"));
        long fax = await Office.FaxAsync(owner.MailboxId);
        long second = await Office.FaxAsync(owner.MailboxId);
        using var session = await WebSession.LogInAsync(Office, owner);

        await session.GetHtmlAsync($"/inbox/fax/{fax}");
        using (var missing = await session.PostFormAsync($"/inbox/fax/{fax}?handler=HandOff", ("note", "no target")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
            Assert.Contains("Choose the mailbox", session.LastHtml, StringComparison.Ordinal);
        }

        using (var handOff = await session.PostFormAsync($"/inbox/fax/{fax}?handler=HandOff", ("to", Id(colleague.MailboxId)), ("note", "for you")))
        {
            Assert.Equal(HttpStatusCode.Redirect, handOff.StatusCode);
            Assert.Equal("/inbox", handOff.Headers.Location!.OriginalString);
        }

        var moved = await Office.Store.Inbound.GetAsync(fax, CancellationToken.None);
        Assert.Equal(colleague.MailboxId, moved!.MailboxId);
        Assert.Equal("for you", moved.Note);
        Assert.Contains(await EventsAsync(fax), e => e.Kind == "handed-off" && e.Message.Contains("for you", StringComparison.Ordinal));
        using (var gone = await session.GetAsync($"/inbox/fax/{fax}"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        await session.GetHtmlAsync($"/inbox/fax/{second}");
        using (var delete = await session.PostFormAsync($"/inbox/fax/{second}?handler=Delete"))
        {
            Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        }

        Assert.Equal(InboundState.Deleted, (await Office.Store.Inbound.GetAsync(second, CancellationToken.None))!.State);
        Assert.Contains(await EventsAsync(second), e => e.Kind == "deleted" && e.Message.Contains("via web", StringComparison.Ordinal));
        using var deleted = await session.GetAsync($"/inbox/fax/{second}");
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
    }

    [Fact]
    public async Task The_list_filters_by_sender_and_date_and_names_bad_dates()
    {
        var owner = await Office.UserAsync(Unique("filter"));
        long fromAcme = await Office.FaxAsync(owner.MailboxId, senderId: "ACME LTD");
        long fromOther = await Office.FaxAsync(owner.MailboxId, senderId: "OTHER CO");
        using var session = await WebSession.LogInAsync(Office, owner);

        string acme = await session.GetHtmlAsync("/inbox?sender=ACME");
        Assert.Contains($"data-fax=\"{fromAcme}\"", acme, StringComparison.Ordinal);
        Assert.DoesNotContain($"data-fax=\"{fromOther}\"", acme, StringComparison.Ordinal);

        string today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string tomorrow = DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string both = await session.GetHtmlAsync($"/inbox?from={today}&to={today}");
        Assert.Contains($"data-fax=\"{fromAcme}\"", both, StringComparison.Ordinal);
        Assert.Contains($"data-fax=\"{fromOther}\"", both, StringComparison.Ordinal);
        string none = await session.GetHtmlAsync($"/inbox?from={tomorrow}");
        Assert.Contains("No fax matches the filter.", none, StringComparison.Ordinal);

        using var bad = await session.GetAsync("/inbox?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not a date", session.LastHtml, StringComparison.Ordinal);
    }
}
