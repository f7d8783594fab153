using System.CommandLine;
using System.CommandLine.Invocation;

namespace FaxPost.Cli.Client;

/// <summary>
/// The client verbs against the REST API: send, status, cancel, inbox, fetch, notify. Each takes --server
/// (default http://127.0.0.1:8025 or FAXPOST_SERVER), --token (else FAXPOST_TOKEN or
/// ~/.config/faxpost/token) and --json. Exit codes: 0 ok, 1 a job failed or the server said no,
/// 2 the command line is wrong, 3 the server cannot be reached.
/// </summary>
public static class ClientCommands
{
    public static void AddTo(RootCommand root) => AddTo(root, ClientEnvironment.Process);

    /// <summary>
    /// Parses and runs a command line. A command line the parser refuses (unknown option, a value of
    /// the wrong kind) exits with 2 like the verbs' own usage errors; System.CommandLine alone says 1.
    /// </summary>
    public static async Task<int> InvokeAsync(RootCommand root, IReadOnlyList<string> args, InvocationConfiguration? configuration = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parse = root.Parse(args);
        int exit = await parse.InvokeAsync(configuration ?? new InvocationConfiguration(), ct).ConfigureAwait(false);
        return parse.Action is ParseErrorAction ? CommonOptions.Usage : exit;
    }

    internal static void AddTo(RootCommand root, ClientEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(root);
        root.Add(SendCommand.Create(environment));
        root.Add(StatusCommands.CreateStatus(environment));
        root.Add(StatusCommands.CreateCancel(environment));
        root.Add(InboxCommands.CreateInbox(environment));
        root.Add(InboxCommands.CreateFetch(environment));
        root.Add(NotifyCommand.Create(environment));
    }
}

/// <summary>Options every client verb has, and running a verb with the exit-code rules.</summary>
internal sealed class CommonOptions
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int Usage = 2;
    public const int Unreachable = 3;

    private readonly ClientEnvironment _environment;

    public CommonOptions(Command command, ClientEnvironment environment)
    {
        _environment = environment;
        command.Add(Server);
        command.Add(Token);
        command.Add(Json);
    }

    public Option<string?> Server { get; } = new("--server") { Description = "The FaxPost server (default: $FAXPOST_SERVER or " + ClientEnvironment.DefaultServer + ")." };

    public Option<string?> Token { get; } = new("--token") { Description = "API token (default: $FAXPOST_TOKEN or ~/.config/faxpost/token)." };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts instead of tables." };

    public ClientEnvironment Environment => _environment;

    /// <summary>Runs a verb: its exceptions become messages on stderr and exit codes.</summary>
    public Func<ParseResult, CancellationToken, Task<int>> Run(Func<ParseResult, ApiClient, TextWriter, CancellationToken, Task<int>> verb) => async (parse, ct) =>
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        try
        {
            using var client = new ApiClient(_environment.Server(parse.GetValue(Server)), _environment.Token(parse.GetValue(Token)), _environment.Handler?.Invoke());
            return await verb(parse, client, output, ct).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync("faxpost: " + e.Message).ConfigureAwait(false);
            return Usage;
        }
        catch (ServerUnreachableException e)
        {
            await error.WriteLineAsync("faxpost: " + e.Message).ConfigureAwait(false);
            return Unreachable;
        }
        catch (ServerRefusedException e)
        {
            await error.WriteLineAsync("faxpost: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (IOException e)
        {
            await error.WriteLineAsync("faxpost: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
        catch (UnauthorizedAccessException e)
        {
            await error.WriteLineAsync("faxpost: " + e.Message).ConfigureAwait(false);
            return Failed;
        }
    };
}
