using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace FaxPost.EndToEnd.Tests;

public sealed class PostOfficeEndToEndTests
{
    internal static MultipartFormDataContent Submission(string file, params string[] to)
    {
        var form = new MultipartFormDataContent();
        foreach (string number in to)
        {
            form.Add(new StringContent(number), "to");
        }

        var content = new ByteArrayContent(File.ReadAllBytes(file));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        form.Add(content, "files", Path.GetFileName(file));
        return form;
    }

    internal static async Task<JsonElement> JsonAsync(HttpResponseMessage response)
    {
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement;
    }

    internal static async Task<JsonElement> WaitForJobAsync(HttpClient http, long id, Func<JsonElement, bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonElement job = default;
        while (DateTime.UtcNow < deadline)
        {
            job = await JsonAsync(await http.GetAsync($"/api/v1/jobs/{id}"));
            if (condition(job))
            {
                return job;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"job {id} never became {what}: {job}");
    }

    internal static long[] JobIds(JsonElement submission) =>
        submission.GetProperty("jobs").EnumerateArray().Select(j => j.GetProperty("id").GetInt64()).ToArray();

    [Fact]
    public async Task Strangers_are_refused_and_the_administrator_from_init_gets_in()
    {
        await using var server = await ServerProcess.StartNewAsync();
        using var anonymous = new HttpClient { BaseAddress = new Uri(server.Url) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/jobs")).StatusCode);
        using var wrong = server.Basic("admin", "not-the-password");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/v1/jobs")).StatusCode);
        using var admin = server.Admin();
        var me = await JsonAsync(await admin.GetAsync("/api/v1/me"));
        Assert.Equal("admin", me.GetProperty("login").GetString());
    }

    [Fact]
    public async Task An_uploaded_fax_to_an_extension_arrives_in_that_mailbox_and_only_there()
    {
        await using var server = await ServerProcess.StartNewAsync();
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        var (_, bob) = await server.CreateUserAsync("bob", "22");
        string pdf = Documents.Pdf(server.DataDirectory, pages: 3);
        using var asAlice = server.Bearer(alice);
        using var asBob = server.Bearer(bob);

        var submission = await JsonAsync(await asAlice.PostAsync("/api/v1/jobs", Submission(pdf, "22")));
        long jobId = JobIds(submission).Single();
        var done = await WaitForJobAsync(asAlice, jobId, j => j.GetProperty("final").GetBoolean(), "final");

        Assert.Equal("done", done.GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal(3, done.GetProperty("pageCount").GetInt32());
        Assert.True(done.GetProperty("internal").GetBoolean());
        var faxes = await JsonAsync(await asBob.GetAsync("/api/v1/faxes"));
        var fax = Assert.Single(faxes.EnumerateArray());
        Assert.Equal(3, fax.GetProperty("pages").GetInt32());
        long faxId = fax.GetProperty("id").GetInt64();

        var tiff = await asBob.GetAsync($"/api/v1/faxes/{faxId}/document?format=tiff");
        Assert.Equal(HttpStatusCode.OK, tiff.StatusCode);
        string tiffPath = Path.Combine(server.DataDirectory, "received.tif");
        await File.WriteAllBytesAsync(tiffPath, await tiff.Content.ReadAsByteArrayAsync());
        Assert.Equal(3, Documents.TiffPages(tiffPath));

        // Alice sent it but may not read Bob's mailbox, not even by guessing the id.
        Assert.Empty((await JsonAsync(await asAlice.GetAsync("/api/v1/faxes"))).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await asAlice.GetAsync($"/api/v1/faxes/{faxId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asAlice.GetAsync($"/api/v1/faxes/{faxId}/document?format=tiff")).StatusCode);

        var history = await JsonAsync(await asBob.GetAsync($"/api/v1/faxes/{faxId}/events"));
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("kind").GetString() == "read");
    }

    [Fact]
    public async Task The_command_line_client_sends_lists_and_fetches_a_fax()
    {
        await using var server = await ServerProcess.StartNewAsync();
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        var (_, bob) = await server.CreateUserAsync("bob", "22");
        string pdf = Documents.Pdf(server.DataDirectory, pages: 2, name: "offer.pdf");

        var (sent, sendOutput) = await server.ClientAsync(alice, "send", "-d", "22", pdf);
        Assert.True(sent == 0, sendOutput);
        Assert.Contains("done", sendOutput, StringComparison.OrdinalIgnoreCase);

        var (listed, inboxJson) = await server.ClientAsync(bob, "inbox", "--json");
        Assert.True(listed == 0, inboxJson);
        var fax = Assert.Single(JsonDocument.Parse(inboxJson).RootElement.EnumerateArray());
        long faxId = fax.GetProperty("id").GetInt64();

        string target = Path.Combine(server.DataDirectory, "fetched.pdf");
        var (fetched, fetchOutput) = await server.ClientAsync(bob, "fetch", faxId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "pdf", "-o", target);
        Assert.True(fetched == 0, fetchOutput);
        var (_, info) = Documents.Run("pdfinfo", target);
        Assert.Contains("Pages:           2", info, StringComparison.Ordinal);

        // Alice may not fetch Bob's fax: the client says so and exits 1.
        var (denied, deniedOutput) = await server.ClientAsync(alice, "fetch", faxId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", Path.Combine(server.DataDirectory, "no.pdf"));
        Assert.Equal(1, denied);
        Assert.False(File.Exists(Path.Combine(server.DataDirectory, "no.pdf")), deniedOutput);
    }

    [Fact]
    public async Task A_broken_pdf_is_refused_with_its_name_and_nothing_is_kept()
    {
        await using var server = await ServerProcess.StartNewAsync();
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        string broken = Path.Combine(server.DataDirectory, "broken-invoice.pdf");
        await File.WriteAllTextAsync(broken, "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ngarbage garbage\n%%EOF\n");
        using var asAlice = server.Bearer(alice);

        var response = await asAlice.PostAsync("/api/v1/jobs", Submission(broken, "+49 30 5550100"));

        string problem = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{(int)response.StatusCode}: {problem}");
        Assert.Contains("broken-invoice.pdf", problem, StringComparison.Ordinal);
        Assert.Empty((await JsonAsync(await asAlice.GetAsync("/api/v1/jobs"))).EnumerateArray());
        string originals = Path.Combine(server.DataDirectory, "documents", "originals");
        Assert.True(!Directory.Exists(originals) || Directory.GetFiles(originals, "*", SearchOption.AllDirectories).Length == 0);
    }

    [Fact]
    public async Task A_busy_destination_is_retried_and_then_sent()
    {
        await using var server = await ServerProcess.StartNewAsync(new() { ["FAXPOST_TESTLINE_SCRIPT"] = "busy,ok" });
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        using var asAlice = server.Bearer(alice);

        var submission = await JsonAsync(await asAlice.PostAsync("/api/v1/jobs", Submission(Documents.Pdf(server.DataDirectory, 1), "+49 30 5550100")));
        var done = await WaitForJobAsync(asAlice, JobIds(submission).Single(), j => j.GetProperty("final").GetBoolean(), "final");

        Assert.Equal("done", done.GetProperty("state").GetString(), ignoreCase: true);
        Assert.Equal(2, done.GetProperty("tries").GetInt32());
        var log = await JsonAsync(await asAlice.GetAsync("/api/v1/log"));
        Assert.Contains(log.EnumerateArray(), r => r.GetProperty("result").GetString() == "busy");
        Assert.Contains(log.EnumerateArray(), r => r.GetProperty("result").GetString() == "ok");
    }

    [Fact]
    public async Task Kill_minus_nine_loses_no_accepted_job_and_resends_no_confirmed_page()
    {
        // Pages take a second each, so the kill after the third confirmation lands mid-run even on a
        // machine so loaded that this loop is starved for seconds.
        await using var server = await ServerProcess.StartNewAsync(new() { ["FAXPOST_TESTLINE_PAGE_MS"] = "1000" });
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        using var asAlice = server.Bearer(alice);
        var submission = await JsonAsync(await asAlice.PostAsync("/api/v1/jobs", Submission(Documents.Pdf(server.DataDirectory, 4), "+49 30 1111111", "+49 30 2222222", "+49 30 3333333")));
        long[] accepted = JobIds(submission);
        string log = server.Environment["FAXPOST_TESTLINE_LOG"];

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((!File.Exists(log) || File.ReadAllLines(log).Count(l => l.StartsWith("confirmed", StringComparison.Ordinal)) < 3) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        server.Kill();
        var beforeCrash = File.ReadAllLines(log);
        await server.StartAsync();

        using var again = server.Bearer(alice);
        foreach (long id in accepted)
        {
            var job = await WaitForJobAsync(again, id, j => j.GetProperty("final").GetBoolean(), "final");
            Assert.Equal("done", job.GetProperty("state").GetString(), ignoreCase: true);
            Assert.Equal(4, job.GetProperty("pagesSent").GetInt32());
        }

        var lines = File.ReadAllLines(log).Select(l => l.Split(' ')).ToList();
        foreach (long id in accepted)
        {
            var confirmed = lines.Where(l => l[0] == "confirmed" && long.Parse(l[1]) == id).Select(l => int.Parse(l[2])).ToList();
            Assert.Equal([1, 2, 3, 4], confirmed.Order());
            foreach (int page in confirmed)
            {
                int confirmedAt = lines.FindIndex(l => l[0] == "confirmed" && long.Parse(l[1]) == id && int.Parse(l[2]) == page);
                Assert.DoesNotContain(lines.Skip(confirmedAt + 1), l => l[0] == "send" && long.Parse(l[1]) == id && int.Parse(l[2]) == page);
            }
        }

        Assert.True(beforeCrash.Length < lines.Count, "the crash happened after everything was sent; the test proved nothing");
    }

    [Fact]
    public async Task A_graceful_stop_writes_back_the_call_in_progress()
    {
        await using var server = await ServerProcess.StartNewAsync(new() { ["FAXPOST_TESTLINE_PAGE_MS"] = "500" });
        var (_, alice) = await server.CreateUserAsync("alice", "11");
        using var asAlice = server.Bearer(alice);
        var submission = await JsonAsync(await asAlice.PostAsync("/api/v1/jobs", Submission(Documents.Pdf(server.DataDirectory, 5), "+49 30 1111111")));
        long id = JobIds(submission).Single();
        await WaitForJobAsync(asAlice, id, j => j.GetProperty("pagesSent").GetInt32() >= 1, "one page sent");

        Assert.Equal(0, await server.StopAsync());
        await server.StartAsync();
        using var again = server.Bearer(alice);
        var done = await WaitForJobAsync(again, id, j => j.GetProperty("final").GetBoolean(), "final");

        Assert.Equal("done", done.GetProperty("state").GetString(), ignoreCase: true);
        var events = await JsonAsync(await again.GetAsync($"/api/v1/jobs/{id}/events"));
        Assert.Contains(events.EnumerateArray(), e => e.GetProperty("message").GetString()!.Contains("interrupted by a server shutdown", StringComparison.Ordinal));
    }
}
