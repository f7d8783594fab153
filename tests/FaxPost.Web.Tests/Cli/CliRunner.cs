using System.CommandLine;
using System.Text;
using FaxPost.Cli.Client;
using FaxPost.Web.Tests.Infrastructure;

namespace FaxPost.Web.Tests.Cli;

/// <summary>Runs the client verbs in-process against a test post office, capturing output and exit code.</summary>
internal sealed class CliRunner(TestPostOffice office)
{
    public Dictionary<string, string> Environment { get; } = [];

    public string? Home { get; set; } = Path.Combine(office.Directory, "home");

    public MemoryStream StandardOutput { get; } = new();

    public async Task<CliResult> RunAsync(params string[] args) => await RunAsync(new StringWriter(), args);

    public async Task<CliResult> RunAsync(TextWriter output, params string[] args)
    {
        var environment = new ClientEnvironment
        {
            Variable = name => Environment.TryGetValue(name, out string? value) ? value : null,
            Handler = args.Contains("--server") ? null : office.Server.CreateHandler,
            HomeDirectory = Home,
            StandardOutput = () => StandardOutput,
        };
        var root = new RootCommand("test");
        ClientCommands.AddTo(root, environment);
        var error = new StringWriter();
        var all = args.Contains("--server") ? args : [.. args, "--server", "http://localhost"];
        int exit = await ClientCommands.InvokeAsync(root, all, new InvocationConfiguration { Output = output, Error = error });
        return new CliResult(exit, output.ToString() ?? "", error.ToString());
    }
}

internal sealed record CliResult(int Exit, string Output, string Error)
{
    public string[] Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>A writer that lets a test wait for a line the command prints.</summary>
internal sealed class WatchedWriter : StringWriter
{
    private readonly List<(string Text, TaskCompletionSource Seen)> _waits = [];

    public Task WaitForAsync(string text)
    {
        lock (_waits)
        {
            if (ToString().Contains(text, StringComparison.Ordinal))
            {
                return Task.CompletedTask;
            }

            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((text, seen));
            return seen.Task;
        }
    }

    public override void Write(char value)
    {
        lock (_waits)
        {
            base.Write(value);
            Check();
        }
    }

    public override void Write(string? value)
    {
        lock (_waits)
        {
            base.Write(value);
            Check();
        }
    }

    public override Task WriteLineAsync(string? value)
    {
        lock (_waits)
        {
            base.Write(value + NewLine);
            Check();
        }

        return Task.CompletedTask;
    }

    public override Task WriteAsync(string? value)
    {
        Write(value);
        return Task.CompletedTask;
    }

    private void Check()
    {
        string text = GetStringBuilder().ToString();
        foreach (var (wanted, seen) in _waits)
        {
            if (text.Contains(wanted, StringComparison.Ordinal))
            {
                seen.TrySetResult();
            }
        }
    }
}
