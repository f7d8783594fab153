using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using FaxPost.Web.Api;

namespace FaxPost.Cli.Client;

/// <summary><c>faxpost send -d NUMBER [...] FILE...</c>: submits a fax and follows it until every job is final.</summary>
internal static class SendCommand
{
    public static Command Create(ClientEnvironment environment)
    {
        var command = new Command("send", "Send a fax: files to one or more numbers, contacts or distribution lists.");
        var common = new CommonOptions(command, environment);
        var destinations = new Option<string[]>("--dest", "-d") { Description = "Fax number (repeat for several).", AllowMultipleArgumentsPerToken = false };
        var contacts = new Option<long[]>("--contact") { Description = "Address-book contact id (repeatable)." };
        var lists = new Option<long[]>("--list") { Description = "Distribution list id (repeatable)." };
        var cover = new Option<bool>("--cover") { Description = "Put a cover page in front." };
        var subject = new Option<string?>("--subject") { Description = "Subject (cover page)." };
        var note = new Option<string?>("--note") { Description = "Note (cover page)." };
        var resolution = new Option<string?>("--resolution") { Description = "standard or fine (default fine)." };
        var priority = new Option<int?>("--priority") { Description = "0 (lowest) to 255 (highest), default 127." };
        var at = new Option<string?>("--at") { Description = "Send not before this time: HH:MM (local, next occurrence) or ISO 8601." };
        var mailbox = new Option<long?>("--mailbox") { Description = "Send from this mailbox (default: your own)." };
        var notify = new Option<string?>("--notify") { Description = "E-mail address told about the result." };
        var noWait = new Option<bool>("--no-wait") { Description = "Print the job ids and return at once." };
        var files = new Argument<string[]>("FILE") { Description = "Documents to send (PDF, PostScript, TIFF, PNG, JPEG, text).", Arity = ArgumentArity.ZeroOrMore };
        foreach (var option in new Option[] { destinations, contacts, lists, cover, subject, note, resolution, priority, at, mailbox, notify, noWait })
        {
            command.Add(option);
        }

        command.Add(files);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            string[] numbers = parse.GetValue(destinations) ?? [];
            long[] contactIds = parse.GetValue(contacts) ?? [];
            long[] listIds = parse.GetValue(lists) ?? [];
            string[] paths = parse.GetValue(files) ?? [];
            if (numbers.Length + contactIds.Length + listIds.Length == 0)
            {
                throw new UsageException("say where the fax goes: -d NUMBER, --contact ID or --list ID.");
            }

            if (paths.Length == 0)
            {
                throw new UsageException("name at least one FILE to send.");
            }

            string? res = parse.GetValue(resolution)?.Trim().ToLowerInvariant();
            if (res is not (null or "standard" or "fine" or "superfine"))
            {
                throw new UsageException($"--resolution is standard or fine, not '{res}'.");
            }

            using var form = new MultipartFormDataContent();
            foreach (string number in numbers)
            {
                form.Add(new StringContent(number), "to");
            }

            foreach (long id in contactIds)
            {
                form.Add(new StringContent(id.ToString(CultureInfo.InvariantCulture)), "contact");
            }

            foreach (long id in listIds)
            {
                form.Add(new StringContent(id.ToString(CultureInfo.InvariantCulture)), "list");
            }

            void Field(string name, string? value)
            {
                if (value is not null)
                {
                    form.Add(new StringContent(value), name);
                }
            }

            Field("resolution", res);
            Field("priority", parse.GetValue(priority)?.ToString(CultureInfo.InvariantCulture));
            Field("notBefore", parse.GetValue(at) is { } when ? ParseTime(when, DateTimeOffset.Now).ToString("O", CultureInfo.InvariantCulture) : null);
            Field("mailbox", parse.GetValue(mailbox)?.ToString(CultureInfo.InvariantCulture));
            Field("cover", parse.GetValue(cover) ? "true" : null);
            Field("subject", parse.GetValue(subject));
            Field("note", parse.GetValue(note));
            Field("notify", parse.GetValue(notify));
            foreach (string path in paths)
            {
                if (!File.Exists(path))
                {
                    throw new UsageException($"there is no file '{path}'.");
                }

                var content = new StreamContent(File.OpenRead(path));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                form.Add(content, "file", Path.GetFileName(path));
            }

            bool json = parse.GetValue(common.Json);
            bool wait = !parse.GetValue(noWait);
            var submission = await client.PostAsync<SubmissionView>("api/v1/jobs?wait=0", form, ct).ConfigureAwait(false);
            if (!json)
            {
                foreach (var job in submission.Jobs)
                {
                    await output.WriteLineAsync($"job {job.Id} to {job.Destination}" + (job.RecipientName is null ? "" : $" ({job.RecipientName})")).ConfigureAwait(false);
                }
            }

            if (!wait)
            {
                if (json)
                {
                    await output.WriteLineAsync(JsonSerializer.Serialize(submission, ApiClient.Json)).ConfigureAwait(false);
                }

                return CommonOptions.Ok;
            }

            var final = await ProgressDisplay.FollowAsync(client, submission.Jobs.Select(j => j.Id).ToList(), json ? null : output, ct).ConfigureAwait(false);
            if (json)
            {
                var jobs = new List<JobView>();
                foreach (var job in submission.Jobs)
                {
                    jobs.Add(await client.GetAsync<JobView>($"api/v1/jobs/{job.Id}", ct).ConfigureAwait(false));
                }

                await output.WriteLineAsync(JsonSerializer.Serialize(new SubmissionView(submission.GroupId, jobs), ApiClient.Json)).ConfigureAwait(false);
            }

            return final.All(p => p.State == Core.Jobs.JobState.Done) ? CommonOptions.Ok : CommonOptions.Failed;
        }));
        return command;
    }

    /// <summary>"18:30" = the next 18:30 local time; otherwise ISO 8601 (a time without offset is local).</summary>
    internal static DateTimeOffset ParseTime(string text, DateTimeOffset now)
    {
        text = text.Trim();
        if (TimeOnly.TryParseExact(text, ["H:mm", "HH:mm", "H:mm:ss", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            var today = new DateTimeOffset(now.Date + clock.ToTimeSpan(), now.Offset);
            return today > now ? today : today.AddDays(1);
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var when))
        {
            return when;
        }

        throw new UsageException($"--at '{text}' is not a time; use HH:MM or ISO 8601 (2026-01-31T18:00).");
    }
}
