using System.CommandLine;
using System.Net.Http.Json;
using System.Text.Json;
using FaxPost.Web.Api;

namespace FaxPost.Cli.Client;

/// <summary><c>faxpost notify [--level L] [--format F]</c>: shows or changes which job changes you are mailed about.</summary>
internal static class NotifyCommand
{
    public static Command Create(ClientEnvironment environment)
    {
        var command = new Command("notify", "Show or change your notification mails (which job changes, text or HTML).");
        var common = new CommonOptions(command, environment);
        var level = new Option<string?>("--level") { Description = "default (the server's), off, final (done and failed only) or all." };
        level.AcceptOnlyFromAmong("default", "off", "final", "all");
        var format = new Option<string?>("--format") { Description = "default (the server's), text or html." };
        format.AcceptOnlyFromAmong("default", "text", "html");
        command.Add(level);
        command.Add(format);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            string? newLevel = parse.GetValue(level), newFormat = parse.GetValue(format);
            var settings = newLevel is null && newFormat is null
                ? await client.GetAsync<NotificationView>("api/v1/me/notifications", ct).ConfigureAwait(false)
                : await client.SendAsync<NotificationView>(
                    new HttpRequestMessage(HttpMethod.Put, "api/v1/me/notifications") { Content = JsonContent.Create(new { level = newLevel, format = newFormat }) },
                    ct).ConfigureAwait(false);
            await output.WriteLineAsync(parse.GetValue(common.Json)
                ? JsonSerializer.Serialize(settings, ApiClient.Json)
                : $"notify: {Name(settings.Level)}, format: {Name(settings.Format)}").ConfigureAwait(false);
            return CommonOptions.Ok;
        }));
        return command;
    }

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
