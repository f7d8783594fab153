using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FaxPost.Core.Jobs;
using FaxPost.Web.Api;

namespace FaxPost.Cli.Client;

/// <summary><c>faxpost status [JOBID...]</c> and <c>faxpost cancel JOBID...</c>.</summary>
internal static class StatusCommands
{
    public static Command CreateStatus(ClientEnvironment environment)
    {
        var command = new Command("status", "Show your fax jobs (all recent ones, or the ones named).");
        var common = new CommonOptions(command, environment);
        var ids = new Argument<long[]>("JOBID") { Arity = ArgumentArity.ZeroOrMore, Description = "Job ids (default: recent jobs)." };
        var state = new Option<string?>("--state") { Description = "Only jobs in these states (comma-separated: queued,failed,...)." };
        command.Add(ids);
        command.Add(state);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            long[] wanted = parse.GetValue(ids) ?? [];
            var jobs = new List<JobView>();
            int exit = CommonOptions.Ok;
            if (wanted.Length == 0)
            {
                string query = parse.GetValue(state) is { Length: > 0 } s ? "?state=" + Uri.EscapeDataString(s) : "";
                jobs.AddRange(await client.GetAsync<List<JobView>>("api/v1/jobs" + query, ct).ConfigureAwait(false));
            }
            else
            {
                foreach (long id in wanted)
                {
                    try
                    {
                        jobs.Add(await client.GetAsync<JobView>($"api/v1/jobs/{id}", ct).ConfigureAwait(false));
                    }
                    catch (ServerRefusedException e)
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync($"faxpost: job {id}: {e.Message}").ConfigureAwait(false);
                        exit = CommonOptions.Failed;
                    }
                }
            }

            if (parse.GetValue(common.Json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(jobs, ApiClient.Json)).ConfigureAwait(false);
                return exit;
            }

            var table = new Table("JOB", "STATE", "TO", "PAGES", "TRIES", "UPDATED", "INFO");
            foreach (var job in jobs)
            {
                table.Add(
                    job.Id.ToString(CultureInfo.InvariantCulture),
                    job.State.Describe(),
                    job.RecipientName is null ? job.Destination : $"{job.Destination} ({job.RecipientName})",
                    job.PageCount == 0 ? "-" : $"{job.PagesSent}/{job.PageCount}",
                    $"{job.Tries}/{job.MaxTries}",
                    job.UpdatedAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    job.LastError);
            }

            await output.WriteAsync(jobs.Count == 0 && wanted.Length == 0 ? "no jobs\n" : table.ToString()).ConfigureAwait(false);
            return exit;
        }));
        return command;
    }

    public static Command CreateCancel(ClientEnvironment environment)
    {
        var command = new Command("cancel", "Stop fax jobs that are not finished yet.");
        var common = new CommonOptions(command, environment);
        var ids = new Argument<long[]>("JOBID") { Arity = ArgumentArity.OneOrMore, Description = "Job ids to stop." };
        command.Add(ids);
        command.SetAction(common.Run(async (parse, client, output, ct) =>
        {
            bool json = parse.GetValue(common.Json);
            var stopped = new List<JobView>();
            int exit = CommonOptions.Ok;
            foreach (long id in parse.GetValue(ids) ?? [])
            {
                try
                {
                    var job = await client.PostAsync<JobView>($"api/v1/jobs/{id}/cancel", null, ct).ConfigureAwait(false);
                    stopped.Add(job);
                    if (!json)
                    {
                        await output.WriteLineAsync($"job {id}: {job.State.Describe()}").ConfigureAwait(false);
                    }
                }
                catch (ServerRefusedException e)
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync($"faxpost: job {id}: {e.Message}").ConfigureAwait(false);
                    exit = CommonOptions.Failed;
                }
            }

            if (json)
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(stopped, ApiClient.Json)).ConfigureAwait(false);
            }

            return exit;
        }));
        return command;
    }
}
