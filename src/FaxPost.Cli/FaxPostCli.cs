using System.CommandLine;
using FaxPost.Cli.Client;
using FaxPost.Cli.Server;
using Microsoft.Extensions.DependencyInjection;

namespace FaxPost.Cli;

/// <summary>The faxpost command line: server verbs and client verbs.</summary>
public static class FaxPostCli
{
    /// <param name="args">Command-line arguments.</param>
    /// <param name="extraServices">Registrations added to the server's (test hosts add a scripted line here).</param>
    public static Task<int> RunAsync(string[] args, Action<IServiceCollection>? extraServices = null)
    {
        var root = new RootCommand("FaxPost — fax server and fax post office. 'faxpost serve' runs the server; the other verbs are tools and a client of its REST API.");
        ServerCommands.AddTo(root, extraServices);
        ClientCommands.AddTo(root);
        return ClientCommands.InvokeAsync(root, args);
    }
}
