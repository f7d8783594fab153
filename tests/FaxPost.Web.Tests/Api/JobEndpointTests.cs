using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Web.Api;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Api;

public sealed class JobEndpointTests : IAsyncLifetime
{
    private TestPostOffice _office = null!;
    private TestUser _alice = null!;

    public async Task InitializeAsync()
    {
        _office = await TestPostOffice.StartAsync();
        _alice = await _office.UserAsync("alice");
    }

    public async Task DisposeAsync() => await _office.DisposeAsync();

    private static MultipartFormDataContent Form(params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }

    private static void AddFile(MultipartFormDataContent form, string fileName, byte[] content)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(part, "file", fileName);
    }

    [Fact]
    public async Task A_multipart_submission_to_two_numbers_makes_two_queued_jobs_that_can_be_inspected_changed_stopped_and_deleted()
    {
        using var client = _office.Client(_alice.Token);
        using var form = Form(("to", "+49 30 1234567, +49 40 7654321"), ("resolution", "standard"), ("priority", "200"), ("notBefore", DateTimeOffset.UtcNow.AddHours(5).ToString("O")), ("subject", "Offer"), ("cover", "true"));
        AddFile(form, "letter.txt", "Dear Sir,\nplease find our offer.\n"u8.ToArray());
        using var response = await client.PostAsync("/api/v1/jobs", form);
        var submission = await HttpAssert.OkAsync<SubmissionView>(response, 202);
        Assert.Equal(2, submission.Jobs.Count);
        Assert.Equal(["+49 30 1234567", "+49 40 7654321"], submission.Jobs.Select(j => j.Destination).Order().ToArray());
        Assert.All(submission.Jobs, j =>
        {
            Assert.Equal(JobState.Queued, j.State);
            Assert.Equal(200, j.Priority);
            Assert.Equal(_alice.MailboxId, j.MailboxId);
            Assert.True(j.CoverPage);
            Assert.Equal("Offer", j.Subject);
            Assert.Equal(2, j.PageCount); // cover + one page
        });
        Assert.EndsWith($"/api/v1/jobs/{submission.Jobs[0].Id}", response.Headers.Location?.ToString(), StringComparison.Ordinal);
        long id = submission.Jobs[0].Id;

        // JSON uses camelCase names and enum names as strings.
        string raw = await client.GetStringAsync($"/api/v1/jobs/{id}");
        Assert.Contains("\"state\":\"queued\"", raw, StringComparison.Ordinal);
        Assert.Contains("\"resolution\":\"standard\"", raw, StringComparison.Ordinal);

        var list = await HttpAssert.OkAsync<List<JobView>>(await client.GetAsync("/api/v1/jobs?state=queued,failed"));
        Assert.Equal(2, list.Count);
        Assert.Empty(await HttpAssert.OkAsync<List<JobView>>(await client.GetAsync("/api/v1/jobs?state=done")));
        Assert.Single(await HttpAssert.OkAsync<List<JobView>>(await client.GetAsync($"/api/v1/jobs?mailbox={_alice.MailboxId}&limit=1")));
        await HttpAssert.ProblemAsync(await client.GetAsync("/api/v1/jobs?state=sleeping"), 400, ProblemKinds.Validation);

        var events = await HttpAssert.OkAsync<List<JobEventView>>(await client.GetAsync($"/api/v1/jobs/{id}/events"));
        Assert.Contains(events, e => e.State == JobState.Queued);

        using (var document = await client.GetAsync($"/api/v1/jobs/{id}/document"))
        {
            Assert.Equal(HttpStatusCode.OK, document.StatusCode);
            Assert.Equal("image/tiff", document.Content.Headers.ContentType?.MediaType);
            Assert.Equal(2, TestTiff.PageCount(await document.Content.ReadAsByteArrayAsync())); // cover + one page
        }

        using (var pdf = await client.GetAsync($"/api/v1/jobs/{id}/document?format=pdf"))
        {
            Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
            Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
            Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(await pdf.Content.ReadAsByteArrayAsync(), 0, 5), StringComparison.Ordinal);
        }

        var changed = await HttpAssert.OkAsync<JobView>(await client.PatchAsJsonAsync($"/api/v1/jobs/{id}", new { priority = 10, maxTries = 5 }));
        Assert.Equal(10, changed.Priority);
        Assert.Equal(5, changed.MaxTries);
        await HttpAssert.ProblemAsync(await client.PatchAsJsonAsync($"/api/v1/jobs/{id}", new { priority = 999 }), 400, ProblemKinds.Validation);

        var stopped = await HttpAssert.OkAsync<JobView>(await client.PostAsync($"/api/v1/jobs/{id}/cancel", null));
        Assert.Equal(JobState.Cancelled, stopped.State);
        Assert.True(stopped.Final);
        var again = await HttpAssert.ProblemAsync(await client.PostAsync($"/api/v1/jobs/{id}/cancel", null), 409, ProblemKinds.Conflict);
        Assert.Contains("cancelled", again.Detail(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync($"/api/v1/jobs/{id}")).StatusCode);
        await HttpAssert.ProblemAsync(await client.GetAsync($"/api/v1/jobs/{id}"), 404, ProblemKinds.NotFound);
        Assert.Equal(1, await _office.JobCountAsync());
    }

    [Fact]
    public async Task A_JSON_submission_with_base64_documents_is_accepted()
    {
        using var client = _office.Client(_alice.Token);
        var body = new
        {
            recipients = new[] { new { number = "+49 30 1234567", name = "Ms Miller", company = "ACME" } },
            documents = new[]
            {
                new { fileName = "note.txt", content = Convert.ToBase64String("hello"u8.ToArray()) },
                new { fileName = "scan.pdf", content = Convert.ToBase64String(FaxPost.Imaging.Pdf.FaxPdfWriter.FromTiff(TestTiff.Pages(2))) },
            },
            notBefore = DateTimeOffset.UtcNow.AddHours(2),
            maxTries = 2,
        };
        var submission = await HttpAssert.OkAsync<SubmissionView>(await client.PostAsJsonAsync("/api/v1/jobs", body), 202);
        var job = Assert.Single(submission.Jobs);
        Assert.Equal("Ms Miller", job.RecipientName);
        Assert.Equal("ACME", job.RecipientCompany);
        Assert.Equal(2, job.MaxTries);
        Assert.Equal(JobState.Queued, job.State);
        Assert.Equal(3, job.PageCount); // one text page, two PDF pages, rendered by Ghostscript
    }

    [Fact]
    public async Task Recipients_may_be_address_book_contacts_and_distribution_lists()
    {
        using var client = _office.Client(_alice.Token);
        var anna = await HttpAssert.OkAsync<ContactView>(await client.PostAsJsonAsync("/api/v1/contacts", new { name = "Anna", company = "ACME", faxNumber = "+49 30 1111111" }), 201);
        var ben = await HttpAssert.OkAsync<ContactView>(await client.PostAsJsonAsync("/api/v1/contacts", new { name = "Ben", faxNumber = "+49 30 2222222" }), 201);
        var carl = await HttpAssert.OkAsync<ContactView>(await client.PostAsJsonAsync("/api/v1/contacts", new { name = "Carl", email = "carl@example.org" }), 201);
        var list = await HttpAssert.OkAsync<ListView>(await client.PostAsJsonAsync("/api/v1/lists", new { name = "Partners", contactIds = new[] { ben.Id, carl.Id } }), 201);

        using var form = Form(("contact", anna.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("list", list.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("notBefore", DateTimeOffset.UtcNow.AddHours(1).ToString("O")));
        AddFile(form, "letter.txt", "hello"u8.ToArray());
        var submission = await HttpAssert.OkAsync<SubmissionView>(await client.PostAsync("/api/v1/jobs", form), 202);
        // Carl has no fax number: the list sends to Ben only.
        Assert.Equal(["Anna", "Ben"], submission.Jobs.Select(j => j.RecipientName ?? "").Order().ToArray());
        Assert.Equal("ACME", submission.Jobs.Single(j => j.RecipientName == "Anna").RecipientCompany);
        Assert.All(submission.Jobs, j => Assert.Equal(submission.GroupId, j.GroupId));

        // Someone else's contact is not a recipient for me.
        var bob = await _office.UserAsync("bob");
        using var other = _office.Client(bob.Token);
        using var stolen = Form(("contact", anna.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        AddFile(stolen, "letter.txt", "hello"u8.ToArray());
        var problem = await HttpAssert.ProblemAsync(await other.PostAsync("/api/v1/jobs", stolen), 400, ProblemKinds.Validation);
        Assert.Contains($"no contact {anna.Id}", problem.Detail(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> RefusedSubmissions => new()
    {
        { "bad number", "not a fax number" },
        { "no recipient", "at least one recipient" },
        { "empty file", "empty" },
        { "unknown type", "cannot be faxed" },
        { "no document", "at least one document" },
        { "bad resolution", "resolution" },
        { "bad priority", "priority" },
        { "bad time", "notBefore" },
        { "unconvertible", "broken.pdf" },
        { "bad base64", "base64" },
    };

    [Theory]
    [MemberData(nameof(RefusedSubmissions))]
    public async Task Refused_submissions_name_the_problem_and_leave_nothing_behind(string kind, string expected)
    {
        using var client = _office.Client(_alice.Token);
        byte[] text = "some text"u8.ToArray();
        HttpContent content;
        int status = 400;
        switch (kind)
        {
            case "bad number":
                content = Form(("to", "+49 30 12x45"));
                AddFile((MultipartFormDataContent)content, "a.txt", text);
                break;
            case "no recipient":
                content = Form();
                AddFile((MultipartFormDataContent)content, "a.txt", text);
                break;
            case "empty file":
                content = Form(("to", "+49 30 1234567"));
                AddFile((MultipartFormDataContent)content, "empty.pdf", []);
                status = 422;
                break;
            case "unknown type":
                content = Form(("to", "+49 30 1234567"));
                AddFile((MultipartFormDataContent)content, "program.exe", [0x4D, 0x5A, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0xFF, 0xFF]);
                status = 422;
                break;
            case "no document":
                content = Form(("to", "+49 30 1234567"));
                break;
            case "bad resolution":
                content = Form(("to", "+49 30 1234567"), ("resolution", "ultra"));
                AddFile((MultipartFormDataContent)content, "a.txt", text);
                break;
            case "bad priority":
                content = Form(("to", "+49 30 1234567"), ("priority", "high"));
                AddFile((MultipartFormDataContent)content, "a.txt", text);
                break;
            case "bad time":
                content = Form(("to", "+49 30 1234567"), ("notBefore", "tomorrow-ish"));
                AddFile((MultipartFormDataContent)content, "a.txt", text);
                break;
            case "unconvertible":
                content = Form(("to", "+49 30 1234567"));
                AddFile((MultipartFormDataContent)content, "broken.pdf", "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\nthis is not a PDF body\n%%EOF\n"u8.ToArray());
                status = 422;
                break;
            default:
                content = JsonContent.Create(new { to = new[] { "+49 30 1234567" }, documents = new[] { new { fileName = "x.txt", content = "@@not base64@@" } } });
                break;
        }

        using (content)
        {
            var problem = await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/jobs", content), status);
            Assert.Contains(expected, problem.Detail(), StringComparison.OrdinalIgnoreCase);
            if (status == 422)
            {
                Assert.Equal(ProblemKinds.Document, problem.GetProperty("type").GetString());
                Assert.False(string.IsNullOrEmpty(problem.GetProperty("fileName").GetString()));
                Assert.Contains(problem.GetProperty("fileName").GetString()!, problem.Detail(), StringComparison.Ordinal);
            }
        }

        Assert.Equal(0, await _office.JobCountAsync());
        Assert.Empty(_office.StoredFiles());
    }

    [Fact]
    public async Task An_oversize_upload_is_refused_and_nothing_is_stored()
    {
        using var client = _office.Client(_alice.Token);
        // Larger than Limits:MaxUploadBytes, still within the request limit (multipart room): the post office refuses it.
        using (var form = Form(("to", "+49 30 1234567")))
        {
            var big = new byte[TestPostOffice.MaxUpload + 10];
            "%PDF-1.4\n"u8.CopyTo(big);
            AddFile(form, "big.pdf", big);
            var problem = await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/jobs", form), 422, ProblemKinds.Document);
            Assert.Contains("big.pdf", problem.Detail(), StringComparison.Ordinal);
            Assert.Equal("tooLarge", problem.GetProperty("reason").GetString());
        }

        // Far larger than the request limit: refused by size before the post office sees it.
        using (var form = Form(("to", "+49 30 1234567")))
        {
            AddFile(form, "huge.pdf", new byte[BodyLimitsTestAccess.UploadLimit() + 1024]);
            var problem = await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/jobs", form), 413, ProblemKinds.TooLarge);
            Assert.Contains("larger", problem.Detail(), StringComparison.Ordinal);
        }

        // Ordinary JSON endpoints take small bodies only.
        string padding = new('x', 2 * 1024 * 1024);
        await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/contacts", new StringContent($"{{\"name\":\"{padding}\"}}", Encoding.UTF8, "application/json")), 413, ProblemKinds.TooLarge);
        Assert.Equal(0, await _office.JobCountAsync());
        Assert.Empty(_office.StoredFiles());
    }

    [Fact]
    public async Task Malformed_JSON_and_the_wrong_content_type_are_problems()
    {
        using var client = _office.Client(_alice.Token);
        await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/jobs", new StringContent("{\"to\": [", Encoding.UTF8, "application/json")), 400);
        await HttpAssert.ProblemAsync(await client.PostAsync("/api/v1/jobs", new StringContent("to=1", Encoding.UTF8, "text/plain")), 415);
        var job = await _office.WaitingJobAsync(_alice);
        await HttpAssert.ProblemAsync(await client.PatchAsync($"/api/v1/jobs/{job.Id}", new StringContent("{\"priority\": \"high\"}", Encoding.UTF8, "application/json")), 400);
    }

    [Fact]
    public async Task Progress_streams_as_server_sent_events_until_the_job_is_done()
    {
        _office.Line.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = _office.Client(_alice.Token);
        using var form = Form(("to", "+49 30 1234567"));
        AddFile(form, "letter.txt", "page one"u8.ToArray());
        var job = Assert.Single((await HttpAssert.OkAsync<SubmissionView>(await client.PostAsync("/api/v1/jobs", form), 202)).Jobs);
        await _office.Line.Dialled.Task.WaitAsync(TimeSpan.FromSeconds(30));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/jobs/{job.Id}/progress");
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var seen = new List<ProgressView>();
        bool released = false;
        while (await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30)) is { } line)
        {
            if (!line.StartsWith("data: ", StringComparison.Ordinal))
            {
                continue;
            }

            var view = JsonSerializer.Deserialize<ProgressView>(line[6..], HttpAssert.Json)!;
            seen.Add(view);
            if (!released)
            {
                released = true;
                _office.Line.Hold.TrySetResult();
            }

            if (view.Final)
            {
                break;
            }
        }

        Assert.Equal("dialling", seen[0].Phase);
        Assert.Contains(seen, v => v.Phase == "sendingPage" && v.Page == 1 && v.Pages == 1);
        Assert.Equal(JobState.Done, seen[^1].State);
        Assert.True(seen[^1].Final);
    }

    [Fact]
    public async Task Progress_of_a_finished_job_is_one_final_event()
    {
        using var client = _office.Client(_alice.Token);
        var job = await _office.WaitingJobAsync(_alice);
        await client.PostAsync($"/api/v1/jobs/{job.Id}/cancel", null);
        string body = await client.GetStringAsync($"/api/v1/jobs/{job.Id}/progress");
        var events = body.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).ToList();
        var view = JsonSerializer.Deserialize<ProgressView>(Assert.Single(events)[6..], HttpAssert.Json)!;
        Assert.Equal(JobState.Cancelled, view.State);
        Assert.Contains("stopped by alice", view.Reason, StringComparison.Ordinal);
    }
}

internal static class BodyLimitsTestAccess
{
    public static int UploadLimit() => (int)BodyLimits.UploadLimit(new FaxPost.Core.Configuration.LimitOptions { MaxUploadBytes = TestPostOffice.MaxUpload });
}
