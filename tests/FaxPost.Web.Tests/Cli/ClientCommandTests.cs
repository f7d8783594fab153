using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using FaxPost.Core.Accounts;
using FaxPost.Core.Jobs;
using FaxPost.Web.Api;
using FaxPost.Web.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Web.Tests.Cli;

public sealed class ClientCommandTests : IAsyncLifetime
{
    private TestPostOffice _office = null!;
    private TestUser _alice = null!;
    private CliRunner _cli = null!;
    private string _letter = null!;

    public async Task InitializeAsync()
    {
        _office = await TestPostOffice.StartAsync();
        _alice = await _office.UserAsync("alice");
        _cli = new CliRunner(_office);
        _cli.Environment["FAXPOST_TOKEN"] = _alice.Token;
        _letter = Path.Combine(_office.Directory, "letter.txt");
        await File.WriteAllTextAsync(_letter, "Dear Sir,\nthis is a fax.\n");
    }

    public async Task DisposeAsync() => await _office.DisposeAsync();

    [Fact]
    public async Task Send_follows_the_job_live_until_it_is_done()
    {
        _office.Line.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new WatchedWriter();
        var run = _cli.RunAsync(output, "send", "-d", "+49 30 1234567", "--subject", "Hello", "--cover", _letter);
        var dialling = output.WaitForAsync("dialling");
        Assert.True(await Task.WhenAny(dialling, run, Task.Delay(TimeSpan.FromSeconds(60))) == dialling, "no 'dialling' in: " + output + (run.IsCompleted ? (await run).Error : ""));
        _office.Line.Hold.TrySetResult();
        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.True(result.Exit == 0, result.Error + result.Output);
        var lines = result.Lines;
        long id = long.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal($"job {id} to +49 30 1234567", lines[0]);
        Assert.Contains($"job {id}: dialling", lines);
        Assert.Contains($"job {id}: page 2 of 2", lines); // cover page + one page
        Assert.Equal($"job {id}: done", lines[^1]);
        Assert.Equal(JobState.Done, (await _office.Store.Jobs.GetAsync(id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task Notify_shows_and_changes_the_users_notification_mails()
    {
        var shown = await _cli.RunAsync("notify");
        Assert.True(shown.Exit == 0, shown.Error);
        Assert.Equal("notify: default, format: default", shown.Lines[^1]);

        var changed = await _cli.RunAsync("notify", "--level", "final", "--format", "html");
        Assert.True(changed.Exit == 0, changed.Error);
        Assert.Equal("notify: final, format: html", changed.Lines[^1]);
        var stored = await _office.Services.GetRequiredService<NotificationPreferences>().GetAsync(_alice.Id, CancellationToken.None);
        Assert.Equal(new NotificationSettings(NotifyLevel.Final, NotifyFormat.Html), stored);

        var json = await _cli.RunAsync("notify", "--level", "off", "--json");
        Assert.Equal("off", JsonDocument.Parse(json.Output).RootElement.GetProperty("level").GetString());
        Assert.Equal("html", JsonDocument.Parse(json.Output).RootElement.GetProperty("format").GetString());

        Assert.Equal(2, (await _cli.RunAsync("notify", "--level", "loud")).Exit);
    }

    [Fact]
    public async Task Send_exits_1_with_the_reason_when_a_job_fails()
    {
        var result = await _cli.RunAsync("send", "-d", "+49 30 1234666", _letter);
        Assert.Equal(1, result.Exit);
        Assert.EndsWith(": failed: the number does not exist", result.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Send_with_json_prints_one_document_with_the_final_jobs()
    {
        var result = await _cli.RunAsync("send", "-d", "+49 30 1234567", "-d", "+49 40 1234567", "--json", _letter);
        Assert.True(result.Exit == 0, result.Error);
        var submission = JsonSerializer.Deserialize<SubmissionView>(result.Output, HttpAssert.Json)!;
        Assert.Equal(2, submission.Jobs.Count);
        Assert.All(submission.Jobs, j => Assert.Equal(JobState.Done, j.State));
    }

    [Fact]
    public async Task Send_no_wait_prints_the_job_ids_and_returns()
    {
        var result = await _cli.RunAsync("send", "-d", "+49 30 1234567", "--at", DateTimeOffset.Now.AddHours(3).ToString("O"), "--no-wait", "--priority", "200", "--resolution", "standard", _letter);
        Assert.True(result.Exit == 0, result.Error);
        long id = long.Parse(Assert.Single(result.Lines).Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var job = (await _office.Store.Jobs.GetAsync(id, CancellationToken.None))!;
        Assert.Equal(200, job.Priority);
        Assert.Equal(FaxPost.Imaging.Conversion.FaxResolution.Standard, job.Resolution);
        Assert.NotNull(job.NotBefore);
    }

    [Fact]
    public async Task Send_to_a_distribution_list_with_a_cover_page()
    {
        var jobs = _office.Services.GetRequiredService<FaxPost.Core.AddressBook.AddressBookService>();
        var me = await _office.PrincipalAsync(_alice.Id);
        var first = await jobs.SaveContactAsync(me, new FaxPost.Core.AddressBook.Contact { Name = "First", FaxNumber = "+49 30 3333333" }, false, CancellationToken.None);
        var second = await jobs.SaveContactAsync(me, new FaxPost.Core.AddressBook.Contact { Name = "Second", FaxNumber = "+49 30 4444444" }, false, CancellationToken.None);
        var list = await jobs.SaveListAsync(me, new FaxPost.Core.AddressBook.DistributionList { Name = "Both", ContactIds = [first.Id, second.Id] }, false, CancellationToken.None);

        var result = await _cli.RunAsync("send", "--list", list.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--cover", "--subject", "Hi", "--note", "two pages", _letter);
        Assert.True(result.Exit == 0, result.Error + result.Output);
        Assert.Contains(result.Lines, l => l.EndsWith("to +49 30 3333333 (First)", StringComparison.Ordinal));
        Assert.Contains(result.Lines, l => l.EndsWith("to +49 30 4444444 (Second)", StringComparison.Ordinal));
        Assert.Equal(2, result.Lines.Count(l => l.EndsWith(": done", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("no destination", 2, "where the fax goes")]
    [InlineData("no file", 2, "FILE")]
    [InlineData("missing file", 2, "no file")]
    [InlineData("bad time", 2, "--at")]
    [InlineData("bad resolution", 2, "--resolution")]
    [InlineData("bad number", 1, "not a fax number")]
    [InlineData("empty file", 1, "empty")]
    public async Task Send_refusals_have_their_exit_codes_and_say_why(string kind, int exit, string said)
    {
        string empty = Path.Combine(_office.Directory, "empty.pdf");
        await File.WriteAllBytesAsync(empty, []);
        string[] args = kind switch
        {
            "no destination" => ["send", _letter],
            "no file" => ["send", "-d", "+49 30 1234567"],
            "missing file" => ["send", "-d", "+49 30 1234567", "/no/such/file.pdf"],
            "bad time" => ["send", "-d", "+49 30 1234567", "--at", "soon", _letter],
            "bad resolution" => ["send", "-d", "+49 30 1234567", "--resolution", "ultra", _letter],
            "bad number" => ["send", "-d", "+49 30 12x4567", _letter],
            _ => ["send", "-d", "+49 30 1234567", empty],
        };
        var result = await _cli.RunAsync(args);
        Assert.Equal(exit, result.Exit);
        Assert.Contains(said, result.Error, StringComparison.Ordinal);
        Assert.StartsWith("faxpost: ", result.Error, StringComparison.Ordinal);
        Assert.Equal(0, await _office.JobCountAsync());
    }

    [Fact]
    public async Task Status_and_cancel_as_tables_and_json()
    {
        var job = await _office.WaitingJobAsync(_alice);
        var table = await _cli.RunAsync("status");
        Assert.Equal(0, table.Exit);
        Assert.StartsWith("JOB", table.Lines[0], StringComparison.Ordinal);
        Assert.Contains(table.Lines, l => l.StartsWith($"{job.Id} ", StringComparison.Ordinal) && l.Contains("queued", StringComparison.Ordinal) && l.Contains("+49 30 1234567", StringComparison.Ordinal));

        var json = await _cli.RunAsync("status", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(JobState.Queued, Assert.Single(JsonSerializer.Deserialize<List<JobView>>(json.Output, HttpAssert.Json)!).State);

        var cancel = await _cli.RunAsync("cancel", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, cancel.Exit);
        Assert.Equal($"job {job.Id}: cancelled", Assert.Single(cancel.Lines));
        var again = await _cli.RunAsync("cancel", job.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(1, again.Exit);
        Assert.Contains("already cancelled", again.Error, StringComparison.Ordinal);
        Assert.Equal("[]", again.Output.Trim());

        var missing = await _cli.RunAsync("status", "999999");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("job 999999: There is no job 999999", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inbox_lists_faxes_and_fetch_saves_one()
    {
        byte[] pages = TestTiff.Pages(3);
        long id = await _office.FaxAsync(_alice.MailboxId, senderId: "+49 30 555", content: pages);
        var table = await _cli.RunAsync("inbox");
        Assert.Equal(0, table.Exit);
        Assert.StartsWith("FAX", table.Lines[0], StringComparison.Ordinal);
        Assert.Contains(table.Lines, l => l.StartsWith($"{id} ", StringComparison.Ordinal) && l.Contains("+49 30 555", StringComparison.Ordinal));
        var json = await _cli.RunAsync("inbox", "--mailbox", _alice.MailboxId.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json");
        Assert.Equal(id, Assert.Single(JsonSerializer.Deserialize<List<FaxView>>(json.Output, HttpAssert.Json)!).Id);
        var refused = await _cli.RunAsync("inbox", "--unroutable");
        Assert.Equal(1, refused.Exit);
        Assert.Contains("fax post office", refused.Error, StringComparison.Ordinal);

        string target = Path.Combine(_office.Directory, "out.tif");
        var fetch = await _cli.RunAsync("fetch", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "tiff", "-o", target);
        Assert.True(fetch.Exit == 0, fetch.Error);
        Assert.Equal(pages, await File.ReadAllBytesAsync(target));
        Assert.Contains($"fax {id} saved to {target}", fetch.Output, StringComparison.Ordinal);

        var toStdout = await _cli.RunAsync("fetch", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--format", "tiff", "-o", "-");
        Assert.Equal(0, toStdout.Exit);
        Assert.Equal(pages, _cli.StandardOutput.ToArray());

        // PDF is the default format and the default name is fax-ID.pdf in the current directory.
        string pdfTarget = Path.Combine(_office.Directory, "fax.pdf");
        var pdf = await _cli.RunAsync("fetch", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "-o", pdfTarget, "--json");
        Assert.True(pdf.Exit == 0, pdf.Error);
        using (var doc = JsonDocument.Parse(pdf.Output))
        {
            Assert.Equal(pdfTarget, doc.RootElement.GetProperty("file").GetString());
            Assert.Equal("pdf", doc.RootElement.GetProperty("format").GetString());
        }

        Assert.Equal(3, await Poppler.PageCountAsync(await File.ReadAllBytesAsync(pdfTarget), _office.Directory));

        var missing = await _cli.RunAsync("fetch", "999999", "--format", "tiff", "-o", Path.Combine(_office.Directory, "none.tif"));
        Assert.Equal(1, missing.Exit);
        Assert.False(File.Exists(Path.Combine(_office.Directory, "none.tif")));
        Assert.Equal(2, (await _cli.RunAsync("fetch", "1", "--format", "gif")).Exit);
    }

    [Fact]
    public async Task The_token_comes_from_the_option_the_environment_or_the_file()
    {
        _cli.Environment.Remove("FAXPOST_TOKEN");
        var none = await _cli.RunAsync("status");
        Assert.Equal(1, none.Exit);
        Assert.Contains("token", none.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await _cli.RunAsync("status", "--token", _alice.Token)).Exit);
        Directory.CreateDirectory(Path.Combine(_cli.Home!, ".config", "faxpost"));
        await File.WriteAllTextAsync(Path.Combine(_cli.Home!, ".config", "faxpost", "token"), _alice.Token + "\n");
        Assert.Equal(0, (await _cli.RunAsync("status")).Exit);
        var revoked = await _cli.RunAsync("status", "--token", "fp_revoked");
        Assert.Equal(1, revoked.Exit);
        Assert.Contains("unknown, revoked or expired", revoked.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("status", "--bogus")]
    [InlineData("status", "not-a-number")]
    [InlineData("cancel")]
    [InlineData("send", "--priority", "high")]
    public async Task A_command_line_the_parser_refuses_exits_2(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.Equal(2, result.Exit);
        Assert.NotEmpty(result.Error);
    }

    [Fact]
    public async Task An_unreachable_server_exits_3()
    {
        // A port nothing listens on: bind one, note it, close it.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var result = await _cli.RunAsync("status", "--server", $"http://127.0.0.1:{port}");
        Assert.Equal(3, result.Exit);
        Assert.Contains("Cannot reach the FaxPost server", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await _cli.RunAsync("status", "--server", "ftp://example")).Exit);
    }

    [Fact]
    public async Task Server_comes_from_the_environment_when_not_given()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        _cli.Environment["FAXPOST_SERVER"] = $"http://127.0.0.1:{port}";
        var environment = new FaxPost.Cli.Client.ClientEnvironment { Variable = n => _cli.Environment.GetValueOrDefault(n) };
        Assert.Equal($"http://127.0.0.1:{port}", environment.Server(null));
        Assert.Equal("http://other:1", environment.Server("http://other:1"));
        Assert.Equal("http://127.0.0.1:8025", new FaxPost.Cli.Client.ClientEnvironment { Variable = _ => null }.Server(null));
        await Task.CompletedTask;
    }

    [Fact]
    public void At_takes_a_clock_time_or_an_ISO_time()
    {
        var now = new DateTimeOffset(2026, 5, 4, 20, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2026, 5, 4, 21, 30, 0, TimeSpan.FromHours(2)), FaxPost.Cli.Client.SendCommand.ParseTime("21:30", now));
        Assert.Equal(new DateTimeOffset(2026, 5, 5, 8, 0, 0, TimeSpan.FromHours(2)), FaxPost.Cli.Client.SendCommand.ParseTime("08:00", now));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 18, 0, 0, TimeSpan.Zero), FaxPost.Cli.Client.SendCommand.ParseTime("2026-06-01T18:00:00Z", now));
    }
}
