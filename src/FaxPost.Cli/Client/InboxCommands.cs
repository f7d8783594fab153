using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaxPost.Web.Api;

namespace FaxPost.Cli.Client;

/// <summary><c>faxpost inbox</c> and <c>faxpost fetch FAXID</c>.</summary>
internal static class InboxCommands
{
    public static Command CreateInbox(ClientEnvironment environment)
    {
        var command = new Command("inbox", "List received faxes of the mailboxes you may read.");
        var common = new CommonOptions(command, environment);
        var mailbox = new Option<long?>("--mailbox") { Description = "Only this mailbox." };
        var unroutable = new Option<bool>("--unroutable") { Description = "The fax post office's queue of faxes that could not be routed." };
        command.Add(mailbox);
        command.Add(unroutable);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            var query = new List<string>();
            if (parse.GetValue(mailbox) is { } m)
            {
                query.Add("mailbox=" + m.ToString(CultureInfo.InvariantCulture));
            }

            if (parse.GetValue(unroutable))
            {
                query.Add("unroutable=true");
            }

            var faxes = await client.GetAsync<List<FaxView>>("api/v1/faxes" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), ct).ConfigureAwait(false);
            if (parse.GetValue(common.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(faxes, ApiClient.Json)).ConfigureAwait(false);
                return CommonOptions.Ok;
            }

            if (faxes.Count == 0)
            {
                await output.WriteLineAsync("no faxes").ConfigureAwait(false);
                return CommonOptions.Ok;
            }

            var table = new Table("FAX", "RECEIVED", "FROM", "PAGES", "MAILBOX", "STATE");
            foreach (var fax in faxes)
            {
                table.Add(
                    fax.Id.ToString(CultureInfo.InvariantCulture),
                    fax.ReceivedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    fax.SenderId ?? fax.CallerNumber ?? "unknown",
                    fax.Pages.ToString(CultureInfo.InvariantCulture) + (fax.Partial ? " (partial)" : ""),
                    fax.MailboxId?.ToString(CultureInfo.InvariantCulture) ?? "post office",
                    fax.State == Core.Inbound.InboundState.Unroutable ? $"unroutable ({fax.Reason})" : fax.State.ToString().ToLowerInvariant());
            }

            await output.WriteAsync(table.ToString()).ConfigureAwait(false);
            return CommonOptions.Ok;
        }));
        return command;
    }

    public static Command CreateFetch(ClientEnvironment environment)
    {
        var command = new Command("fetch", "Download a received fax as PDF or TIFF.");
        var common = new CommonOptions(command, environment);
        var id = new Argument<long>("FAXID") { Description = "The fax to download." };
        var format = new Option<string?>("--format") { Description = "pdf or tiff (default pdf)." };
        var file = new Option<string?>("--output", "-o") { Description = "Where to write it (default fax-ID.pdf; '-' = standard output)." };
        command.Add(id);
        command.Add(format);
        command.Add(file);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            string kind = parse.GetValue(format)?.Trim().ToLowerInvariant() ?? "pdf";
            if (kind is not ("pdf" or "tiff"))
            {
                throw new UsageException($"--format is pdf or tiff, not '{kind}'.");
            }

            long faxId = parse.GetValue(id);
            string target = parse.GetValue(file) ?? $"fax-{faxId}.{(kind == "pdf" ? "pdf" : "tif")}";
            using var response = await client.SendRawAsync(new HttpRequestMessage(HttpMethod.Get, $"api/v1/faxes/{faxId}/document?format={kind}"), HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
            long bytes;
            await using (var body = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false))
            {
                if (target == "-")
                {
                    var stdout = environment.StandardOutput();
                    await body.CopyToAsync(stdout, ct).ConfigureAwait(false);
                    await stdout.FlushAsync(ct).ConfigureAwait(false);
                    return CommonOptions.Ok;
                }

                // Written beside the target and moved into place, so a broken download leaves no half file.
                string partial = target + ".part";
                await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                {
                    await body.CopyToAsync(stream, ct).ConfigureAwait(false);
                    bytes = stream.Length;
                }

                File.Move(partial, target, overwrite: true);
            }

            await output.WriteLineAsync(parse.GetValue(common.Json)
                ? JsonSerializer.Serialize(new { fax = faxId, file = Path.GetFullPath(target), bytes, format = kind }, ApiClient.Json)
                : $"fax {faxId} saved to {target} ({bytes} bytes)").ConfigureAwait(false);
            return CommonOptions.Ok;
        }));
        return command;
    }
}
