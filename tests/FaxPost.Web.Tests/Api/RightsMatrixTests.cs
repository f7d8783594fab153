using System.Net.Http.Json;
using System.Text;
using FaxPost.Core.Accounts;
using FaxPost.Core.Jobs;
using FaxPost.Core.Rights;
using FaxPost.Web.Problems;
using FaxPost.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Tests.Api;

/// <summary>
/// Every protected operation, tried by a user holding every right on the mailbox except the one it
/// needs (refused: 403, or 404 where even seeing it needs the right) and by a user holding just
/// what it needs (allowed). Admin and post office operations are tried by a plain user and by the
/// post office.
/// </summary>
public sealed class RightsMatrixTests(SharedPostOffice shared) : IClassFixture<SharedPostOffice>, IAsyncLifetime
{
    private readonly TestPostOffice _office = shared.Office;
    private TestUser _owner = null!;

    public async Task InitializeAsync() => _owner = await _office.UserAsync("owner" + Guid.NewGuid().ToString("N")[..8]);

    public Task DisposeAsync() => Task.CompletedTask;

    public sealed record Operation(string Name, MailboxRights Needs, MailboxRights AlsoNeeds, int Refused, bool Incoming);

    public static TheoryData<string> MailboxOperations => new()
    {
        "read fax", "read fax events", "read fax document", "list faxes of mailbox", "hand off fax", "delete fax",
        "see job", "see job events", "see job document", "follow job", "list jobs of mailbox", "send", "stop job", "delete job", "change job",
    };

    private static Operation Describe(string name) => name switch
    {
        "read fax" or "read fax events" or "read fax document" => new(name, MailboxRights.ReadIncoming, MailboxRights.None, 404, true),
        "list faxes of mailbox" => new(name, MailboxRights.ReadIncoming, MailboxRights.None, 403, true),
        "hand off fax" => new(name, MailboxRights.HandOffIncoming, MailboxRights.ReadIncoming, 403, true),
        "delete fax" => new(name, MailboxRights.DeleteIncoming, MailboxRights.ReadIncoming, 403, true),
        "send" => new(name, MailboxRights.Send, MailboxRights.None, 403, false),
        "stop job" => new(name, MailboxRights.StopOutgoing, MailboxRights.None, 403, false),
        "delete job" => new(name, MailboxRights.DeleteOutgoing, MailboxRights.StopOutgoing, 403, false),
        "change job" => new(name, MailboxRights.ChangeSendOptions, MailboxRights.None, 403, false),
        // Seeing jobs needs any outgoing right: tried with only incoming rights.
        _ => new(name, MailboxRights.AllOutgoing, MailboxRights.None, name == "list jobs of mailbox" ? 403 : 404, false),
    };

    private async Task<HttpResponseMessage> RunAsync(string name, HttpClient client, long faxId, long jobId)
    {
        long mailbox = _owner.MailboxId;
        switch (name)
        {
            case "read fax": return await client.GetAsync($"/api/v1/faxes/{faxId}");
            case "read fax events": return await client.GetAsync($"/api/v1/faxes/{faxId}/events");
            case "read fax document": return await client.GetAsync($"/api/v1/faxes/{faxId}/document");
            case "list faxes of mailbox": return await client.GetAsync($"/api/v1/faxes?mailbox={mailbox}");
            case "hand off fax":
                var other = await _office.UserAsync("other" + Guid.NewGuid().ToString("N")[..8]);
                return await client.PostAsJsonAsync($"/api/v1/faxes/{faxId}/handoff", new { mailboxId = other.MailboxId });
            case "delete fax": return await client.DeleteAsync($"/api/v1/faxes/{faxId}");
            case "see job": return await client.GetAsync($"/api/v1/jobs/{jobId}");
            case "see job events": return await client.GetAsync($"/api/v1/jobs/{jobId}/events");
            case "see job document": return await client.GetAsync($"/api/v1/jobs/{jobId}/document");
            case "follow job":
                if ((await _office.Store.Jobs.GetAsync(jobId, CancellationToken.None))!.State != JobState.Cancelled)
                {
                    await _office.Services.GetRequiredService<JobService>().CancelAsync(Principal.System, jobId, CancellationToken.None); // final: the stream ends at once
                }

                return await client.GetAsync($"/api/v1/jobs/{jobId}/progress");
            case "list jobs of mailbox": return await client.GetAsync($"/api/v1/jobs?mailbox={mailbox}");
            case "send":
                var form = new MultipartFormDataContent { { new StringContent("+49 30 1234567"), "to" }, { new StringContent(mailbox.ToString(System.Globalization.CultureInfo.InvariantCulture)), "mailbox" } };
                form.Add(new ByteArrayContent("text"u8.ToArray()), "file", "a.txt");
                return await client.PostAsync("/api/v1/jobs", form);
            case "stop job": return await client.PostAsync($"/api/v1/jobs/{jobId}/cancel", null);
            case "delete job": return await client.DeleteAsync($"/api/v1/jobs/{jobId}");
            case "change job": return await client.PatchAsJsonAsync($"/api/v1/jobs/{jobId}", new { priority = 1 });
            default: throw new ArgumentException(name);
        }
    }

    [Theory]
    [MemberData(nameof(MailboxOperations))]
    public async Task Each_mailbox_operation_needs_its_right(string name)
    {
        var op = Describe(name);
        long faxId = await _office.FaxAsync(_owner.MailboxId);
        var job = await _office.WaitingJobAsync(_owner);
        int jobsBefore = await _office.JobCountAsync();

        // Everything but the right needed (for "see", every incoming right and no outgoing one).
        var without = await _office.UserAsync("without" + Guid.NewGuid().ToString("N")[..8]);
        var allBut = op.Needs == MailboxRights.AllOutgoing ? MailboxRights.AllIncoming : MailboxRights.All & ~op.Needs;
        await _office.GrantAsync(_owner.MailboxId, without, allBut);
        using (var client = _office.Client(without.Token))
        {
            var problem = await HttpAssert.ProblemAsync(await RunAsync(name, client, faxId, job.Id), op.Refused);
            Assert.Equal(op.Refused == 404 ? ProblemKinds.NotFound : ProblemKinds.Forbidden, problem.GetProperty("type").GetString());
        }

        // Nothing changed by the refused attempt.
        Assert.NotNull(await _office.Store.Inbound.GetAsync(faxId, CancellationToken.None));
        Assert.Equal(FaxPost.Core.Inbound.InboundState.Routed, (await _office.Store.Inbound.GetAsync(faxId, CancellationToken.None))!.State);
        Assert.Equal(jobsBefore, await _office.JobCountAsync());
        if (name != "follow job")
        {
            Assert.Equal(JobState.Queued, (await _office.Store.Jobs.GetAsync(job.Id, CancellationToken.None))!.State);
        }

        // Just the right needed (plus what makes the thing visible).
        var with = await _office.UserAsync("with" + Guid.NewGuid().ToString("N")[..8]);
        await _office.GrantAsync(_owner.MailboxId, with, op.Needs == MailboxRights.AllOutgoing ? MailboxRights.StopOutgoing : op.Needs | op.AlsoNeeds);
        using (var client = _office.Client(with.Token))
        {
            using var response = await RunAsync(name, client, faxId, job.Id);
            Assert.True(response.IsSuccessStatusCode, $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }

    public static TheoryData<string, string, string?, bool> AdminOperations => new()
    {
        // method, path, JSON body, post office may (true) or only administrators (false)
        { "GET", "/api/v1/users", null, true },
        { "POST", "/api/v1/users", """{"login":"newbie","displayName":"New","password":"long-enough-1"}""", false },
        { "PATCH", "/api/v1/users/{owner}", """{"displayName":"Renamed"}""", false },
        { "POST", "/api/v1/users/{owner}/password", """{"new":"another-password"}""", false },
        { "GET", "/api/v1/teams", null, true },
        { "POST", "/api/v1/teams", """{"name":"Sales","members":[]}""", false },
        { "GET", "/api/v1/mailboxes", null, true },
        { "PATCH", "/api/v1/mailboxes/{mailbox}", """{"retentionDays":10}""", false },
        { "GET", "/api/v1/mailboxes/{mailbox}/grants", null, false },
        { "PUT", "/api/v1/mailboxes/{mailbox}/grants", """{"granteeKind":"user","granteeId":{owner},"rights":["send"]}""", false },
        { "GET", "/api/v1/routing-rules", null, false },
        { "POST", "/api/v1/routing-rules", """{"match":"senderId","pattern":"+49 30 555","mailboxId":{mailbox},"order":1}""", false },
        { "GET", "/api/v1/retention", null, true },
        { "PUT", "/api/v1/retention", """{"days":20}""", false },
        { "POST", "/api/v1/retention/cleanup?dryRun=true", null, false },
        { "GET", "/api/v1/status", null, true },
        { "GET", "/api/v1/faxes?unroutable=true", null, true },
        { "GET", "/api/v1/contacts/central.csv", null, true },
        { "POST", "/api/v1/contacts", """{"name":"Central Co","faxNumber":"+49 30 1234567","central":true}""", true },
    };

    [Theory]
    [MemberData(nameof(AdminOperations))]
    public async Task Administration_needs_the_role(string method, string path, string? body, bool postOfficeMay)
    {
        var plain = await _office.UserAsync("plain" + Guid.NewGuid().ToString("N")[..8]);
        var clerk = await _office.UserAsync("clerk" + Guid.NewGuid().ToString("N")[..8], Role.PostOffice);
        var admin = await _office.UserAsync("admin" + Guid.NewGuid().ToString("N")[..8], Role.Administrator);
        string Fill(string s) => s.Replace("{owner}", _owner.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{mailbox}", _owner.MailboxId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        HttpRequestMessage Request() => new(new HttpMethod(method), Fill(path))
        {
            Content = body is null ? null : new StringContent(Fill(body), Encoding.UTF8, "application/json"),
        };

        using (var client = _office.Client(plain.Token))
        {
            await HttpAssert.ProblemAsync(await client.SendAsync(Request()), 403, ProblemKinds.Forbidden);
        }

        using (var client = _office.Client(clerk.Token))
        {
            using var response = await client.SendAsync(Request());
            if (postOfficeMay)
            {
                Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            else
            {
                await HttpAssert.ProblemAsync(response, 403, ProblemKinds.Forbidden);
            }
        }

        if (!postOfficeMay)
        {
            using var client = _office.Client(admin.Token);
            using var response = await client.SendAsync(Request());
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
    }
}
