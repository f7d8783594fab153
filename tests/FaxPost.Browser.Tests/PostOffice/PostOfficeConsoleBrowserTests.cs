using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FaxPost.Browser.Tests.Infrastructure;
using FaxPost.EndToEnd.Tests;
using Microsoft.Playwright;

namespace FaxPost.Browser.Tests.PostOffice;

/// <summary>
/// The fax post office console in Debian's chromium against a real faxpost process: a fax to a user
/// who has left lands in the unroutable queue (the real router decides), the post office hands it
/// off with the keyboard, the recipient gets it; every console page is screenshotted, wide and at
/// phone width, and must fit the phone's width.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class PostOfficeConsoleBrowserTests(BrowserFixture fixture)
{
    private static readonly (string Path, string Heading, string Name)[] ConsolePages =
    [
        ("/postoffice/unroutable", "Unroutable faxes", "unroutable"),
        ("/postoffice/routing", "Routing rules", "routing"),
        ("/postoffice/addressbook", "Central address book", "address-book"),
        ("/postoffice/log", "Send and receive log", "log"),
        ("/postoffice/statistics", "Statistics for", "statistics"),
        ("/postoffice/status", "Lines and status", "status"),
        ("/admin/users", "Users", "users"),
        ("/admin/teams", "Teams", "teams"),
        ("/admin/mailboxes", "Mailboxes and rights", "mailboxes"),
        ("/admin/retention", "Retention", "retention"),
    ];

    [Fact]
    public async Task The_post_office_hands_off_a_fax_for_a_user_who_has_left()
    {
        var server = fixture.Server;
        var (_, senderToken) = await server.CreateUserAsync("po-sender", "71");
        var (leaverId, _) = await server.CreateUserAsync("po-leaver", "72");
        var (_, heirToken) = await server.CreateUserAsync("po-heir", "73");
        using (var admin = server.Admin())
        {
            var left = await admin.PatchAsJsonAsync($"/api/v1/users/{leaverId}", new { active = false });
            Assert.True(left.IsSuccessStatusCode, await left.Content.ReadAsStringAsync());
        }

        // An internal fax to the leaver's extension: the router sends it to the post office.
        long faxId = await SendToUnroutableAsync(server, senderToken, "72");

        var page = await fixture.LogInAsync("admin", server.AdminPassword);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Unroutable faxes" }).ClickAsync();
        var item = page.Locator("section", new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = $"Fax {faxId}", Exact = false }) });
        Assert.Contains("Recipient has left", await item.Locator("h2").InnerTextAsync(), StringComparison.Ordinal);
        var preview = item.GetByRole(AriaRole.Img, new() { Name = $"First page of fax {faxId}" });
        await preview.ScrollIntoViewIfNeededAsync();
        Assert.True(await preview.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the preview did not load");
        await BrowserFixture.ScreenshotAsync(page, "console-unroutable-with-fax");

        // By keyboard: choose the mailbox, type a note, press Enter on the button.
        await item.GetByLabel("Hand to mailbox").SelectOptionAsync(new SelectOptionValue { Label = "po-heir – ext. 73" });
        await item.GetByLabel("Note for the recipient (optional)").FillAsync("For you: po-leaver has left");
        await item.GetByRole(AriaRole.Button, new() { Name = $"Hand off fax {faxId}" }).FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.Locator("p.flash").WaitForAsync();
        Assert.Contains($"Fax {faxId} was handed to po-heir", await page.Locator("p.flash").InnerTextAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = $"Fax {faxId}" }).CountAsync());

        // The heir has it, with the note, and its history names the hand-off.
        using var heir = server.Bearer(heirToken);
        var fax = await heir.GetFromJsonAsync<JsonElement>($"/api/v1/faxes/{faxId}");
        Assert.Equal("For you: po-leaver has left", fax.GetProperty("note").GetString());
        var events = await heir.GetFromJsonAsync<JsonElement>($"/api/v1/faxes/{faxId}/events");
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("kind").GetString() == "handed-off" && e.GetProperty("message").GetString()!.Contains("admin", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Every_console_page_opens_from_the_navigation_and_fits_a_phone()
    {
        var wide = await fixture.LogInAsync("admin", fixture.Server.AdminPassword);
        var phone = await fixture.LogInAsync("admin", fixture.Server.AdminPassword, width: 390);
        foreach (var (path, heading, name) in ConsolePages)
        {
            await wide.GotoAsync(fixture.Server.Url + path);
            Assert.StartsWith(heading, await wide.Locator("h1").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("page", await wide.Locator($"nav a[href='{path}']").GetAttributeAsync("aria-current"));
            await BrowserFixture.ScreenshotAsync(wide, "console-" + name);

            await phone.GotoAsync(fixture.Server.Url + path);
            await BrowserFixture.ScreenshotAsync(phone, "console-" + name + "-phone");
            int overflow = await phone.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 1, $"{path} is {overflow}px wider than a phone");
            await AssertLabelledAsync(phone, path);
        }
    }

    [Fact]
    public async Task The_routing_test_box_answers_from_the_real_router()
    {
        await fixture.Server.CreateUserAsync("po-sales", "74");
        var page = await fixture.LogInAsync("admin", fixture.Server.AdminPassword);
        await page.GotoAsync(fixture.Server.Url + "/postoffice/routing");
        await page.GetByLabel("Dialled number (to)").FillAsync("74");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        Assert.Contains("Goes to po-sales", await page.Locator("#test-result").InnerTextAsync(), StringComparison.Ordinal);
        await page.GetByLabel("Dialled number (to)").FillAsync("79");
        await page.GetByRole(AriaRole.Button, new() { Name = "Test" }).ClickAsync();
        Assert.Contains("Wrong extension", await page.Locator("#test-result").InnerTextAsync(), StringComparison.Ordinal);
        await BrowserFixture.ScreenshotAsync(page, "console-routing-test");
    }

    /// <summary>Every visible form control has a label (its accessible name is not empty).</summary>
    private static async Task AssertLabelledAsync(IPage page, string path)
    {
        string[] unnamed = await page.EvaluateAsync<string[]>(@"() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
            .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
            .map(el => el.name || el.id)");
        Assert.True(unnamed.Length == 0, $"{path}: controls without a label: {string.Join(", ", unnamed)}");
    }

    private static async Task<long> SendToUnroutableAsync(ServerProcess server, string token, string to)
    {
        using var http = server.Bearer(token);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(to), "to");
        var pdf = new ByteArrayContent(await File.ReadAllBytesAsync(Documents.Pdf(server.DataDirectory, 1, "for-leaver.pdf")));
        pdf.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(pdf, "files", "for-leaver.pdf");
        var submitted = await http.PostAsync("/api/v1/jobs", form);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());

        using var admin = server.Admin();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var queue = await admin.GetFromJsonAsync<JsonElement>("/api/v1/faxes?unroutable=true");
            foreach (var fax in queue.EnumerateArray())
            {
                if (fax.GetProperty("dialledNumber").GetString()?.EndsWith(to, StringComparison.Ordinal) == true)
                {
                    return fax.GetProperty("id").GetInt64();
                }
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the fax for the leaver never reached the post office's queue:\n" + server.Output);
    }
}
