using System.CommandLine;

namespace FaxPost.Cli.Client;

/// <summary>The client verbs (send, status, cancel, inbox, fetch) against the REST API.</summary>
public static class ClientCommands
{
    public static void AddTo(RootCommand root)
    {
        ArgumentNullException.ThrowIfNull(root);
    }
}
