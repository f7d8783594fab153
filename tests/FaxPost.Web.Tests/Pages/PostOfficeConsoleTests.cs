using System.Net;
using System.Net.Http.Headers;
using System.Text;
using FaxPost.Core.Accounts;
using FaxPost.Core.Inbound;
using FaxPost.Core.Log;
using FaxPost.Web.Pages.PostOffice;
using FaxPost.Core.Rights;
using FaxPost.Core.Routing;
using FaxPost.Web.Tests.Infrastructure;
using static FaxPost.Web.Tests.Pages.PostOfficeConsoleAccessTests;

namespace FaxPost.Web.Tests.Pages;

/// <summary>The fax post office's pages do what they say: hand-off, rules, address book, log, statistics, status.</summary>
public sealed class PostOfficeConsoleTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>
{
    private static readonly CancellationToken None = CancellationToken.None;

    private TestPostOffice Office => shared.Office;

    [Fact]
    public async Task The_post_office_sees_an_unroutable_fax_with_its_reason_and_preview_and_hands_it_off_with_a_note()
    {
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        var recipient = await Office.UserAsync(Unique("rcpt"));
        string sender = Unique("SENDER");
        long fax = await Office.FaxAsync(null, senderId: sender);
        using var session = await WebSession.LogInAsync(Office, clerk);

        string html = await session.GetHtmlAsync("/postoffice/unroutable");
        Assert.Contains($"Fax {fax}", html, StringComparison.Ordinal);
        Assert.Contains("Wrong extension", html, StringComparison.Ordinal);
        Assert.Contains(sender, html, StringComparison.Ordinal);

        using (var thumb = await session.GetAsync($"/postoffice/unroutable?handler=Thumbnail&id={fax}"))
        {
            Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
            Assert.Equal("image/png", thumb.Content.Headers.ContentType?.MediaType);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, (await thumb.Content.ReadAsByteArrayAsync())[..4]);
        }

        // A hand-off without a mailbox is refused in words and changes nothing.
        await session.GetHtmlAsync("/postoffice/unroutable");
        using (var bad = await session.PostFormAsync("/postoffice/unroutable?handler=HandOff", ("id", fax.ToString()), ("mailbox", "")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("Choose the mailbox", session.LastHtml, StringComparison.Ordinal);
        }

        using (var ok = await session.PostFormAsync("/postoffice/unroutable?handler=HandOff", ("id", fax.ToString()), ("mailbox", recipient.MailboxId.ToString()), ("note", "Was for you, wrong extension")))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        string after = await session.GetHtmlAsync("/postoffice/unroutable");
        Assert.Contains("was handed to", after, StringComparison.Ordinal);
        Assert.DoesNotContain(sender, after, StringComparison.Ordinal);
        var stored = (await Office.Store.Inbound.GetAsync(fax, None))!;
        Assert.Equal((recipient.MailboxId, InboundState.HandedOff, "Was for you, wrong extension"), (stored.MailboxId, stored.State, stored.Note));
        var audit = (await Office.Store.Inbound.EventsAsync(fax, None)).Single(e => e.Kind == "handed-off");
        Assert.Equal(clerk.Id, audit.UserId);

        // Now in a mailbox: no longer previewed or deleted through the queue page.
        using var gone = await session.GetAsync($"/postoffice/unroutable?handler=Thumbnail&id={fax}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task An_administrator_can_remember_the_sender_while_handing_off_and_the_post_office_cannot()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator);
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        var legal = await Office.UserAsync(Unique("legal"));
        string tsi = "+49 40 " + Random.Shared.Next(100_000, 999_999);
        long first = await Office.FaxAsync(null, senderId: tsi);
        long second = await Office.FaxAsync(null, senderId: tsi);

        using (var clerkSession = await WebSession.LogInAsync(Office, clerk))
        {
            string page = await clerkSession.GetHtmlAsync("/postoffice/unroutable");
            Assert.DoesNotContain("name=\"remember\"", page, StringComparison.Ordinal);
            using var denied = await clerkSession.PostFormAsync("/postoffice/unroutable?handler=HandOff", ("id", first.ToString()), ("mailbox", legal.MailboxId.ToString()), ("remember", "true"));
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
            Assert.Null((await Office.Store.Inbound.GetAsync(first, None))!.MailboxId);
        }

        using var session = await WebSession.LogInAsync(Office, admin);
        Assert.Contains("name=\"remember\"", await session.GetHtmlAsync("/postoffice/unroutable"), StringComparison.Ordinal);
        using (var ok = await session.PostFormAsync("/postoffice/unroutable?handler=HandOff", ("id", first.ToString()), ("mailbox", legal.MailboxId.ToString()), ("remember", "true")))
        {
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        }

        Assert.Contains("go there from now on", await session.GetHtmlAsync("/postoffice/unroutable"), StringComparison.Ordinal);
        Assert.Equal(legal.MailboxId, (await Office.Store.Inbound.GetAsync(first, None))!.MailboxId);
        Assert.Null((await Office.Store.Inbound.GetAsync(second, None))!.MailboxId); // faxes already waiting stay for the post office
        var router = (InboundRouter)Office.Services.GetService(typeof(InboundRouter))!;
        var next = await router.RouteAsync("+49891234", "+4940999", tsi, null, None);
        Assert.Equal(legal.MailboxId, next.MailboxId);
    }

    [Fact]
    public async Task The_post_office_deletes_an_unroutable_fax_and_the_deletion_is_audited()
    {
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        long fax = await Office.FaxAsync(null);
        using var session = await WebSession.LogInAsync(Office, clerk);
        await session.GetHtmlAsync("/postoffice/unroutable");

        using var response = await session.PostFormAsync("/postoffice/unroutable?handler=Delete", ("id", fax.ToString()));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(InboundState.Deleted, (await Office.Store.Inbound.GetAsync(fax, None))!.State);
        Assert.Contains(await Office.Store.Inbound.EventsAsync(fax, None), e => e.Kind == "deleted" && e.UserId == clerk.Id);
    }

    [Fact]
    public async Task An_empty_queue_says_so()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        using var session = await WebSession.LogInAsync(office, clerk);
        foreach (string path in new[] { "/postoffice/unroutable", "/postoffice/routing", "/postoffice/addressbook", "/postoffice/log" })
        {
            Assert.Contains("class=\"empty\"", await session.GetHtmlAsync(path), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_administrator_adds_a_rule_and_the_test_box_shows_where_a_fax_goes_by_the_real_router()
    {
        var admin = await Office.UserAsync(Unique("admin"), Role.Administrator);
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        var sales = await Office.UserAsync(Unique("sales"));
        string tsi = Unique("TSI").ToUpperInvariant();
        using var session = await WebSession.LogInAsync(Office, admin);
        await session.GetHtmlAsync("/postoffice/routing");

        using (var empty = await session.PostFormAsync("/postoffice/routing?handler=Save", ("match", "SenderId"), ("pattern", " "), ("mailbox", sales.MailboxId.ToString())))
        {
            Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
            Assert.Contains("1 to 64 characters", session.LastHtml, StringComparison.Ordinal);
        }

        using (var saved = await session.PostFormAsync("/postoffice/routing?handler=Save", ("match", "SenderId"), ("pattern", tsi), ("mailbox", sales.MailboxId.ToString()), ("order", "5")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        var rule = (await Office.Store.RoutingRules.ListAsync(None)).Single(r => r.Pattern == tsi);
        Assert.Equal((RoutingMatch.SenderId, sales.MailboxId, 5), (rule.Match, rule.MailboxId, rule.Order));

        // The post office tests it; it may not change rules.
        using var clerkSession = await WebSession.LogInAsync(Office, clerk);
        string routed = await clerkSession.GetHtmlAsync("/postoffice/routing?Test.Dialled=%2B49891234&Test.SenderId=" + Uri.EscapeDataString(tsi));
        Assert.Contains("Goes to <strong>" + sales.Login.ToUpperInvariant(), routed, StringComparison.Ordinal);
        string unknown = await clerkSession.GetHtmlAsync("/postoffice/routing?Test.Dialled=%2B4989123499");
        Assert.Contains("Wrong extension", unknown, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Delete", routed, StringComparison.Ordinal);
        using (var denied = await clerkSession.PostFormAsync("/postoffice/routing?handler=Delete", ("id", rule.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        // Edit, then delete.
        string edit = await session.GetHtmlAsync($"/postoffice/routing?edit={rule.Id}");
        Assert.Contains($"Change rule {rule.Id}", edit, StringComparison.Ordinal);
        using (var changed = await session.PostFormAsync("/postoffice/routing?handler=Save", ("id", rule.Id.ToString()), ("match", "SenderNumber"), ("pattern", "+4940"), ("mailbox", sales.MailboxId.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        }

        Assert.Equal(RoutingMatch.SenderNumber, (await Office.Store.RoutingRules.ListAsync(None)).Single(r => r.Id == rule.Id).Match);
        await session.GetHtmlAsync("/postoffice/routing");
        using (var deleted = await session.PostFormAsync("/postoffice/routing?handler=Delete", ("id", rule.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        }

        Assert.DoesNotContain(await Office.Store.RoutingRules.ListAsync(None), r => r.Id == rule.Id);
    }

    [Fact]
    public async Task The_central_address_book_is_edited_imported_and_exported_as_csv()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        using var session = await WebSession.LogInAsync(office, clerk);
        await session.GetHtmlAsync("/postoffice/addressbook");
        using (var added = await session.PostFormAsync("/postoffice/addressbook?handler=Contact", ("name", "Acme Legal"), ("company", "Acme"), ("fax", "+49 30 1234567")))
        {
            Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        }

        using (var bad = await session.PostFormAsync("/postoffice/addressbook?handler=Contact", ("name", "No Number")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Contains("needs a fax number or an e-mail address", session.LastHtml, StringComparison.Ordinal);
        }

        // Import: one bad row imports nothing; a good file imports every row.
        Assert.Equal(HttpStatusCode.BadRequest, (await ImportAsync(session, "name,fax\r\nGood,+4930111\r\nBad,not a number\r\n")).StatusCode);
        Assert.Contains("Line 3", session.LastHtml, StringComparison.Ordinal);
        Assert.Single(await office.Store.AddressBook.ContactsAsync(null, None));
        Assert.Equal(HttpStatusCode.Redirect, (await ImportAsync(session, "name,company,fax\r\nBeta Bank,Beta,+4940222\r\n\"Gamma, Ltd\",,+4989333\r\n")).StatusCode);
        var contacts = await office.Store.AddressBook.ContactsAsync(null, None);
        Assert.Equal(["Acme Legal", "Beta Bank", "Gamma, Ltd"], contacts.Select(c => c.Name).Order());

        // A list of two, then the export.
        await session.GetHtmlAsync("/postoffice/addressbook");
        var beta = contacts.Single(c => c.Name == "Beta Bank");
        var gamma = contacts.Single(c => c.Name == "Gamma, Ltd");
        using (var list = await session.PostFormAsync("/postoffice/addressbook?handler=List", ("name", "Banks"), ("members", beta.Id.ToString()), ("members", gamma.Id.ToString())))
        {
            Assert.Equal(HttpStatusCode.Redirect, list.StatusCode);
        }

        string page = await session.GetHtmlAsync("/postoffice/addressbook");
        Assert.Contains("Beta Bank, Gamma, Ltd", page, StringComparison.Ordinal);
        using var export = await session.GetAsync("/postoffice/addressbook?handler=Export");
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        string csv = await export.Content.ReadAsStringAsync();
        Assert.StartsWith("name,company,fax,email\r\n", csv, StringComparison.Ordinal);
        Assert.Contains("\"Gamma, Ltd\",,+4989333,", csv, StringComparison.Ordinal);

        // Delete a contact.
        using var deleted = await session.PostFormAsync("/postoffice/addressbook?handler=DeleteContact", ("id", beta.Id.ToString()));
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);
        Assert.Equal(2, (await office.Store.AddressBook.ContactsAsync(null, None)).Count);
    }

    [Fact]
    public async Task The_log_filters_by_number_direction_user_and_result_and_exports_what_it_shows()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        var alice = await office.UserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        await office.Store.Log.AddAsync(new TransmissionRecord { At = now, Direction = Direction.Send, UserId = alice.Id, MailboxId = alice.MailboxId, RemoteNumber = "+49 30 777111", Pages = 3, Result = "ok", Line = "scripted" }, None);
        await office.Store.Log.AddAsync(new TransmissionRecord { At = now, Direction = Direction.Send, UserId = alice.Id, MailboxId = alice.MailboxId, RemoteNumber = "+49 40 888222", Pages = 1, Result = "busy", Line = "scripted" }, None);
        await office.Store.Log.AddAsync(new TransmissionRecord { At = now.AddDays(-40), Direction = Direction.Receive, MailboxId = alice.MailboxId, RemoteNumber = "+49 30 777999", Pages = 2, Result = "ok" }, None);
        using var session = await WebSession.LogInAsync(office, clerk);

        string all = await session.GetHtmlAsync("/postoffice/log");
        Assert.Contains("3 record(s)", all, StringComparison.Ordinal);
        string byNumber = await session.GetHtmlAsync("/postoffice/log?number=30777");
        Assert.Contains("2 record(s)", byNumber, StringComparison.Ordinal);
        Assert.DoesNotContain("888222", byNumber, StringComparison.Ordinal);
        Assert.Contains("1 record(s)", await session.GetHtmlAsync("/postoffice/log?number=30777&direction=Send"), StringComparison.Ordinal);
        Assert.Contains("1 record(s)", await session.GetHtmlAsync($"/postoffice/log?user={alice.Id}&result=busy"), StringComparison.Ordinal);
        string recent = await session.GetHtmlAsync($"/postoffice/log?from={now.AddDays(-1):yyyy-MM-dd}");
        Assert.Contains("2 record(s)", recent, StringComparison.Ordinal);
        Assert.Contains("No transmission matches", await session.GetHtmlAsync("/postoffice/log?number=12121212"), StringComparison.Ordinal);
        using (var backwards = await session.GetAsync("/postoffice/log?from=2026-02-01&to=2026-01-01"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        }

        using var csv = await session.GetAsync("/postoffice/log?handler=Csv&number=30777&direction=Send");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        string[] lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains("+49 30 777111", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_more_matches_than_the_page_holds_the_log_shows_the_newest_and_the_csv_has_them_all()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        var alice = await office.UserAsync("alice");
        var bob = await office.UserAsync("bob");
        var start = DateTimeOffset.UtcNow.AddDays(-2);
        int matches = LogModel.PageLimit + 20;
        for (int i = 0; i < matches; i++)
        {
            // Bob's records between Alice's: the filter runs in the store, before the page's limit.
            await office.Store.Log.AddAsync(new TransmissionRecord { At = start.AddMinutes(2 * i), Direction = Direction.Send, UserId = alice.Id, MailboxId = alice.MailboxId, RemoteNumber = $"+49 30 5{i:0000}", Pages = 1, Result = "ok" }, None);
            await office.Store.Log.AddAsync(new TransmissionRecord { At = start.AddMinutes((2 * i) + 1), Direction = Direction.Send, UserId = bob.Id, MailboxId = bob.MailboxId, RemoteNumber = $"+49 40 6{i:0000}", Pages = 1, Result = "ok" }, None);
        }

        using var session = await WebSession.LogInAsync(office, clerk);
        string page = await session.GetHtmlAsync($"/postoffice/log?user={alice.Id}");
        Assert.Contains($"{LogModel.PageLimit} record(s), the newest {LogModel.PageLimit} shown", page, StringComparison.Ordinal);
        Assert.Contains($"49 30 5{matches - 1:0000}<", page, StringComparison.Ordinal); // the newest
        Assert.Contains("49 30 50020<", page, StringComparison.Ordinal); // the oldest of the newest 500
        Assert.DoesNotContain("49 30 50019<", page, StringComparison.Ordinal);
        Assert.DoesNotContain("49 40 6", page, StringComparison.Ordinal);

        using var csv = await session.GetAsync($"/postoffice/log?handler=Csv&user={alice.Id}");
        string[] lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(matches + 1, lines.Length);
        Assert.Contains("+49 30 50000", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Statistics_show_pages_and_cost_per_user_and_warn_near_the_quota()
    {
        await using var office = await TestPostOffice.StartAsync(runScheduler: false);
        var admin = await office.UserAsync("admin", Role.Administrator);
        var clerk = await office.UserAsync("clerk", Role.PostOffice);
        var alice = await office.UserAsync("alice");
        var now = DateTimeOffset.UtcNow;
        await office.Store.Log.AddAsync(new TransmissionRecord { At = now, Direction = Direction.Send, UserId = alice.Id, MailboxId = alice.MailboxId, RemoteNumber = "+4930777", Pages = 9, Duration = TimeSpan.FromSeconds(90), Result = "ok" }, None);
        using var session = await WebSession.LogInAsync(office, admin);
        await session.GetHtmlAsync("/postoffice/statistics");
        using (var saved = await session.PostFormAsync("/postoffice/statistics?handler=Tariff", ("perPage", "0.10"), ("perMinute", "0.05"), ("quota", "10")))
        {
            Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        }

        using var clerkSession = await WebSession.LogInAsync(office, clerk);
        string html = await clerkSession.GetHtmlAsync("/postoffice/statistics");
        Assert.Contains("1.00 EUR", html, StringComparison.Ordinal); // 9 pages x 0.10 + 2 started minutes x 0.05
        Assert.Contains("id=\"quota-warnings\"", html, StringComparison.Ordinal);
        Assert.Contains("ALICE: 9 pages sent, near the quota", html, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Tariff", html, StringComparison.Ordinal); // prices are the administrator's
        using (var denied = await clerkSession.PostFormAsync("/postoffice/statistics?handler=Tariff", ("perPage", "9"), ("perMinute", "0"), ("quota", "0")))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        Assert.Contains("There are no teams yet", await clerkSession.GetHtmlAsync("/postoffice/statistics?month=2020-01"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_status_page_shows_lines_queue_and_disk()
    {
        var clerk = await Office.UserAsync(Unique("clerk"), Role.PostOffice);
        var sender = await Office.UserAsync(Unique("sender"));
        await Office.WaitingJobAsync(sender);
        using var session = await WebSession.LogInAsync(Office, clerk);

        string html = await session.GetHtmlAsync("/postoffice/status");

        Assert.Contains("<td>scripted</td>", html, StringComparison.Ordinal);
        Assert.Contains("free on the fax store", html, StringComparison.Ordinal);
        Assert.Matches("id=\"queue-depth\">[1-9][0-9]* fax job", html);
    }

    private static async Task<HttpResponseMessage> ImportAsync(WebSession session, string csv)
    {
        await session.GetHtmlAsync("/postoffice/addressbook");
        using var content = new MultipartFormDataContent
        {
            { new StringContent(session.Token()), "__RequestVerificationToken" },
        };
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "book.csv");
        return await session.PostAsync("/postoffice/addressbook?handler=Import", content);
    }
}
