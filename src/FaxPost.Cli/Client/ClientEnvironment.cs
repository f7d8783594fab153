using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("FaxPost.Web.Tests")]

namespace FaxPost.Cli.Client;

/// <summary>What the client verbs take from outside the command line: environment variables, the
/// token file, and how to reach the server (tests put an in-process server here).</summary>
internal sealed class ClientEnvironment
{
    public const string DefaultServer = "http://127.0.0.1:8025";

    public static ClientEnvironment Process { get; } = new();

    public Func<string, string?> Variable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>Null = a plain <see cref="HttpClientHandler"/> (real network).</summary>
    public Func<HttpMessageHandler>? Handler { get; init; }

    /// <summary>Where binary output goes for "-o -" (stdout by default).</summary>
    public Func<Stream> StandardOutput { get; init; } = Console.OpenStandardOutput;

    public string? HomeDirectory { get; init; } = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    public string Server(string? option) =>
        (string.IsNullOrWhiteSpace(option) ? Variable("FAXPOST_SERVER") : option) is { Length: > 0 } s ? s.Trim() : DefaultServer;

    /// <summary>--token, else FAXPOST_TOKEN, else the first line of ~/.config/faxpost/token (or $XDG_CONFIG_HOME/faxpost/token).</summary>
    public string? Token(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return option.Trim();
        }

        if (Variable("FAXPOST_TOKEN") is { Length: > 0 } fromEnv)
        {
            return fromEnv.Trim();
        }

        string? config = Variable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : HomeDirectory is { Length: > 0 } home ? Path.Combine(home, ".config") : null;
        if (config is null)
        {
            return null;
        }

        string file = Path.Combine(config, "faxpost", "token");
        if (!File.Exists(file))
        {
            return null;
        }

        string? line = File.ReadLines(file).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0);
        return line;
    }
}
