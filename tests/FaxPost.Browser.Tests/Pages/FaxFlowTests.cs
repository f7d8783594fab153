using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using FaxPost.Browser.Tests.Infrastructure;
using FaxPost.EndToEnd.Tests;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace FaxPost.Browser.Tests.Pages;

/// <summary>
/// The whole way of a fax through the web UI of a real faxpost process: sent by upload with a
/// preview, followed live in the outbox, received, read, downloaded, handed off — and refused to a
/// user without the right, also when the URLs are guessed.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FaxFlowTests(BrowserFixture fixture)
{
    private static readonly TimeSpan Slow = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_uploaded_fax_arrives_is_read_downloaded_and_handed_off_and_strangers_get_nothing()
    {
        var server = fixture.Server;
        await server.CreateUserAsync("alice", "141");
        await server.CreateUserAsync("bob", "142");
        await server.CreateUserAsync("carol", "143");
        string pdf = Documents.Pdf(server.DataDirectory, pages: 2, name: "two-pages.pdf");

        // Alice: upload, preview, send later (in her browser's time zone), follow it live.
        var alice = await fixture.LogInAsync("alice", "password-alice");
        await alice.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Send a fax" }).ClickAsync();
        await alice.GetByLabel("Files to fax").SetInputFilesAsync(pdf);
        await alice.GetByLabel("Fax numbers").FillAsync("142");
        await alice.GetByLabel("Cover page", new() { Exact = true }).CheckAsync();
        await alice.GetByLabel("Subject").FillAsync("Quarterly figures");
        await alice.GetByRole(AriaRole.Button, new() { Name = "Preview pages" }).ClickAsync();
        var previews = alice.Locator("#preview img");
        await Expect(previews).ToHaveCountAsync(3, new() { Timeout = (float)Slow.TotalMilliseconds }); // the cover page, then the PDF's two
        await Expect(alice.Locator("#preview figcaption").First).ToHaveTextAsync("cover page");
        Assert.True(await previews.First.EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth)") > 100, "the preview image did not load");
        Assert.Contains("two-pages.pdf", await alice.Locator("#attached").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(alice, "send-preview");

        var berlin = TimeZoneInfo.FindSystemTimeZoneById(BrowserFixture.TimeZone);
        var sendAt = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(8), berlin);
        await alice.GetByLabel("Send later (not before)").FillAsync(sendAt.ToString("yyyy-MM-ddTHH:mm:ss", CultureInfo.InvariantCulture));
        await alice.GetByRole(AriaRole.Button, new() { Name = "Send fax" }).ClickAsync();
        await alice.WaitForURLAsync(u => u.EndsWith("/outbox", StringComparison.Ordinal), new() { Timeout = (float)Slow.TotalMilliseconds });
        Assert.Contains("on its way", await alice.Locator(".flash").InnerTextAsync(), StringComparison.Ordinal);
        var row = alice.Locator("tr[data-job]").First;
        string jobId = (await row.GetAttributeAsync("data-job"))!;
        var status = row.Locator("[data-status]");
        await Expect(status).ToContainTextAsync("scheduled for");
        await BrowserFixture.ScreenshotAsync(alice, "outbox");
        // No reload: the server-sent events bring the new state.
        await Expect(status).ToContainTextAsync("delivered", new() { Timeout = (float)Slow.TotalMilliseconds });
        await alice.GetByRole(AriaRole.Link, new() { Name = "Details" }).First.ClickAsync();
        await Expect(alice.Locator("#report-heading")).ToBeVisibleAsync();
        Assert.Contains("internal", await alice.Locator("section[aria-labelledby=report-heading] table").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(alice, "outbox-job");
        Assert.Contains($"/outbox/job/{jobId}", alice.Url, StringComparison.Ordinal);

        // Bob: it is in his inbox; he reads it and downloads the PDF.
        var bob = await fixture.LogInAsync("bob", "password-bob");
        await bob.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Inbox" }).ClickAsync();
        var faxRow = bob.Locator("tr[data-fax]");
        await Expect(faxRow).ToHaveCountAsync(1);
        Assert.Contains("3", await faxRow.Locator("td").Nth(3).InnerTextAsync(), StringComparison.Ordinal); // cover page + 2
        string faxId = (await faxRow.GetAttributeAsync("data-fax"))!;
        await BrowserFixture.ScreenshotAsync(bob, "inbox");
        await faxRow.Locator("td").Nth(1).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(bob.Locator(".page-view img")).ToBeVisibleAsync();
        Assert.True(await bob.Locator(".page-view img").EvaluateAsync<int>("img => img.decode().then(() => img.naturalWidth)") >= 1000, "the page image did not load");
        await BrowserFixture.ScreenshotAsync(bob, "fax-viewer");
        var download = await bob.RunAndWaitForDownloadAsync(() => bob.GetByRole(AriaRole.Link, new() { Name = "Download PDF" }).ClickAsync());
        string saved = Path.Combine(server.DataDirectory, "downloaded.pdf");
        await download.SaveAsAsync(saved);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(saved).AsSpan(0, 5)), StringComparison.Ordinal);
        Assert.Equal($"fax-{faxId}", download.SuggestedFilename[..(4 + faxId.Length)]);

        // Carol may not read Bob's mailbox: the list does not show it and guessed URLs give 404 and nothing else.
        var carol = await fixture.LogInAsync("carol", "password-carol");
        await carol.GotoAsync(server.Url + "/inbox");
        await Expect(carol.Locator("tr[data-fax]")).ToHaveCountAsync(0);
        await Expect(carol.Locator("p.empty")).ToBeVisibleAsync();
        foreach (string guessed in new[] { $"/inbox/fax/{faxId}", $"/inbox/fax/{faxId}/download?format=pdf", $"/inbox/fax/{faxId}/download?format=tiff", $"/inbox/fax/{faxId}/page/1.png", $"/outbox/job/{jobId}", $"/outbox/job/{jobId}/download?format=pdf" })
        {
            var response = await carol.APIRequest.GetAsync(server.Url + guessed);
            Assert.True(response.Status == 404, $"{guessed}: {response.Status}");
            var body = await response.BodyAsync();
            Assert.False(body.Length > 4 && body[0] == '%' && body[1] == 'P', guessed + " gave a PDF");
            Assert.False(body.Length > 4 && body[1] == 'P' && body[2] == 'N' && body[3] == 'G', guessed + " gave a PNG");
        }

        var refused = await carol.GotoAsync(server.Url + $"/inbox/fax/{faxId}");
        Assert.Equal(404, refused!.Status);
        await Expect(carol.Locator("h1")).ToHaveTextAsync("Not found");
        await BrowserFixture.ScreenshotAsync(carol, "not-found");

        // Bob hands it to Carol with a note: Carol has it now, Bob no longer.
        await bob.GetByLabel("To mailbox").SelectOptionAsync(new SelectOptionValue { Label = "carol (extension 143)" });
        await bob.GetByLabel("Note for the recipient").FillAsync("Please take this one");
        await bob.GetByRole(AriaRole.Button, new() { Name = "Hand off" }).ClickAsync();
        await bob.WaitForURLAsync(u => u.EndsWith("/inbox", StringComparison.Ordinal));
        Assert.Contains("handed to carol", await bob.Locator(".flash").InnerTextAsync(), StringComparison.Ordinal);
        await Expect(bob.Locator("tr[data-fax]")).ToHaveCountAsync(0);
        Assert.Equal(404, (await bob.APIRequest.GetAsync(server.Url + $"/inbox/fax/{faxId}")).Status);

        await carol.GotoAsync(server.Url + "/inbox");
        await Expect(carol.Locator($"tr[data-fax='{faxId}']")).ToContainTextAsync("Please take this one");
        await carol.GotoAsync(server.Url + $"/inbox/fax/{faxId}");
        var history = await carol.Locator(".history").InnerTextAsync();
        Assert.Contains("bob opened it as pdf via web", history, StringComparison.Ordinal);
        Assert.Contains("bob handed it", history, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_post_office_hands_off_a_fax_whose_recipient_has_left()
    {
        var server = fixture.Server;
        var (_, erin) = await server.CreateUserAsync("erin", "151");
        var (daveId, _) = await server.CreateUserAsync("dave", "152");
        await server.CreateUserAsync("frank", "153");
        using (var admin = server.Admin())
        {
            var off = await admin.PatchAsJsonAsync($"/api/v1/users/{daveId}", new { active = false });
            Assert.True(off.IsSuccessStatusCode, await off.Content.ReadAsStringAsync());
        }

        // Erin faxes Dave's old extension (through the API; the web flow is tested above).
        string pdf = Documents.Pdf(server.DataDirectory, pages: 1, name: "for-dave.pdf");
        using (var asErin = server.Bearer(erin))
        {
            using var form = new MultipartFormDataContent { { new StringContent("152"), "to" }, { new ByteArrayContent(File.ReadAllBytes(pdf)), "files", "for-dave.pdf" } };
            var sent = await asErin.PostAsync("/api/v1/jobs", form);
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        }

        var clerk = await fixture.LogInAsync("admin", server.AdminPassword);
        await clerk.GetByRole(AriaRole.Link, new() { Name = "Unroutable faxes" }).ClickAsync();
        var row = clerk.Locator("ul.queue > li").Filter(new() { HasText = "Recipient has left" });
        for (int i = 0; i < 60 && await row.CountAsync() == 0; i++)
        {
            await Task.Delay(500);
            await clerk.ReloadAsync();
        }

        await Expect(row).ToHaveCountAsync(1);
        string faxId = (await row.Locator("input[name=id]").First.GetAttributeAsync("value"))!;
        await BrowserFixture.ScreenshotAsync(clerk, "postoffice-unroutable");
        string frankMailbox = (await row.Locator("option", new() { HasText = "frank" }).GetAttributeAsync("value"))!;
        await row.GetByLabel("Hand to mailbox").SelectOptionAsync(frankMailbox);
        await row.GetByLabel("Note for the recipient").FillAsync("Dave has left; Frank took over his customers");
        await row.GetByRole(AriaRole.Button, new() { Name = $"Hand off fax {faxId}" }).ClickAsync();
        await Expect(clerk.Locator(".flash")).ToContainTextAsync($"Fax {faxId} was handed to frank");
        await Expect(clerk.Locator($"ul.queue input[name=id][value='{faxId}']")).ToHaveCountAsync(0);

        var frank = await fixture.LogInAsync("frank", "password-frank");
        await frank.GotoAsync(server.Url + "/inbox");
        await Expect(frank.Locator($"tr[data-fax='{faxId}']")).ToContainTextAsync("Frank took over");

        // And the post office's own view of the queue is closed to everyone else.
        Assert.Equal(403, (await frank.GotoAsync(server.Url + "/postoffice/unroutable"))!.Status);
    }

    [Fact]
    public async Task Pages_work_at_phone_width()
    {
        await fixture.Server.CreateUserAsync("gina", "161");
        var page = await fixture.LogInAsync("gina", "password-gina", width: 390);
        foreach (var (path, name) in new[] { ("/", "home-phone"), ("/send", "send-phone"), ("/inbox", "inbox-phone"), ("/outbox", "outbox-phone"), ("/account", "account-phone") })
        {
            await page.GotoAsync(fixture.Server.Url + path);
            // Nothing wider than the screen except inside scrolling table wrappers.
            int overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"{path} is {overflow}px wider than the phone");
            await BrowserFixture.ScreenshotAsync(page, name);
        }

        // Keyboard: the first Tab reaches the skip link, which jumps to the content.
        await page.GotoAsync(fixture.Server.Url + "/send");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to content", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
    }

    [Fact]
    public async Task Files_over_the_limit_are_stopped_before_the_upload_with_a_message()
    {
        await fixture.Server.CreateUserAsync("hugo", "171");
        var page = await fixture.LogInAsync("hugo", "password-hugo");
        await page.GotoAsync(fixture.Server.Url + "/send");
        await page.GetByLabel("Files to fax").SetInputFilesAsync(new FilePayload
        {
            Name = "huge.txt",
            MimeType = "text/plain",
            Buffer = new byte[BrowserFixture.MaxUploadBytes + (1024 * 1024)],
        });
        await page.GetByLabel("Fax numbers").FillAsync("+49 30 1234567");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send fax" }).ClickAsync();
        await Expect(page.Locator("[data-size-error]")).ToContainTextAsync("at most 4 MiB");
        Assert.EndsWith("/send", page.Url, StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "send-too-large");
    }
}
