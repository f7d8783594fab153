using System.Net;
using System.Net.Http.Json;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Rights;
using FaxPost.Web.Api;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Api;

public sealed class FaxEndpointTests : IAsyncLifetime
{
    private TestPostOffice _office = null!;
    private TestUser _alice = null!;
    private TestUser _clerk = null!;

    public async Task InitializeAsync()
    {
        _office = await TestPostOffice.StartAsync(runScheduler: false);
        _alice = await _office.UserAsync("alice");
        _clerk = await _office.UserAsync("clerk", Role.PostOffice);
    }

    public async Task DisposeAsync() => await _office.DisposeAsync();

    [Fact]
    public async Task A_fax_can_be_listed_read_downloaded_and_its_reads_are_in_its_history()
    {
        byte[] pages = TestTiff.Pages(2);
        long id = await _office.FaxAsync(_alice.MailboxId, senderId: "+49 30 555", content: pages);
        await _office.FaxAsync(_alice.MailboxId, senderId: "+49 40 777");
        using var client = _office.Client(_alice.Token);

        var all = await HttpAssert.OkAsync<List<FaxView>>(await client.GetAsync("/api/v1/faxes"));
        Assert.Equal(2, all.Count);
        var filtered = await HttpAssert.OkAsync<List<FaxView>>(await client.GetAsync($"/api/v1/faxes?mailbox={_alice.MailboxId}&sender=%2B49%2030%20555"));
        Assert.Equal(id, Assert.Single(filtered).Id);
        Assert.Empty(await HttpAssert.OkAsync<List<FaxView>>(await client.GetAsync($"/api/v1/faxes?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddDays(1).ToString("O"))}")));

        var fax = await HttpAssert.OkAsync<FaxView>(await client.GetAsync($"/api/v1/faxes/{id}"));
        Assert.Equal(InboundState.Routed, fax.State);
        Assert.Equal("+49 30 555", fax.SenderId);

        using (var tiff = await client.GetAsync($"/api/v1/faxes/{id}/document?format=tiff"))
        {
            Assert.Equal(HttpStatusCode.OK, tiff.StatusCode);
            Assert.Equal("image/tiff", tiff.Content.Headers.ContentType?.MediaType);
            Assert.Equal(pages, await tiff.Content.ReadAsByteArrayAsync());
        }

        using (var pdf = await client.GetAsync($"/api/v1/faxes/{id}/document?format=pdf"))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
            Assert.Equal(2, await Poppler.PageCountAsync(await pdf.Content.ReadAsByteArrayAsync(), _office.Directory));
        }

        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/v1/faxes/{id}/document?format=docx"), 400, ProblemKinds.Validation);
        var events = await HttpAssert.OkAsync<List<FaxEventView>>(await client.GetAsync($"/api/v1/faxes/{id}/events"));
        Assert.Contains(events, e => e.Kind == "read" && e.UserId == _alice.Id && e.Message.Contains("as tiff via rest", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Kind == "read" && e.Message.Contains("as pdf via rest", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_damaged_stored_fax_is_a_named_server_problem_without_internals()
    {
        long id = await _office.FaxAsync(_alice.MailboxId, content: "II*\0garbage"u8.ToArray());
        using var client = _office.Client(_alice.Token);
        var problem = await HttpAssert.ProblemAsync(await client.GetAsync($"/api/v1/faxes/{id}/document?format=pdf"), 500, ProblemKinds.DamagedDocument);
        Assert.Contains("cannot be read", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_post_office_hands_off_an_unroutable_fax_which_then_appears_in_the_mailbox()
    {
        long id = await _office.FaxAsync(null);
        using var clerk = _office.Client(_clerk.Token);
        using var alice = _office.Client(_alice.Token);
        var queue = await HttpAssert.OkAsync<List<FaxView>>(await clerk.GetAsync("/api/v1/faxes?unroutable=true"));
        Assert.Equal(UnroutableReason.UnknownExtension, Assert.Single(queue).Reason);
        await HttpAssert.ProblemAsync(await alice.GetAsync("/api/v1/faxes?unroutable=true"), 403, ProblemKinds.Forbidden);
        await HttpAssert.ProblemAsync(await alice.GetAsync($"/api/v1/faxes/{id}"), 404, ProblemKinds.NotFound);

        var handed = await HttpAssert.OkAsync<FaxView>(await clerk.PostAsJsonAsync($"/api/v1/faxes/{id}/handoff", new { mailboxId = _alice.MailboxId, note = "for you" }));
        Assert.Equal(InboundState.HandedOff, handed.State);
        Assert.Equal("for you", handed.Note);
        Assert.Equal(id, Assert.Single(await HttpAssert.OkAsync<List<FaxView>>(await alice.GetAsync("/api/v1/faxes"))).Id);
        var problem = await HttpAssert.ProblemAsync(await alice.PostAsJsonAsync($"/api/v1/faxes/{id}/handoff", new { mailboxId = 999_999 }), 400, ProblemKinds.Validation);
        Assert.Contains("999999", problem.Detail(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_fax_is_gone_and_its_pages_are_removed()
    {
        long id = await _office.FaxAsync(_alice.MailboxId);
        int files = _office.StoredFiles().Count;
        using var client = _office.Client(_alice.Token);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/faxes/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/v1/faxes/{id}"), 404);
        await HttpAssert.ProblemAsync(await client.DeleteAsync($"/api/v1/faxes/{id}"), 404);
        Assert.Equal(files - 1, _office.StoredFiles().Count);
    }
}
