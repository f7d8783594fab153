using System.CommandLine;
using FaxPost.Cli.Client;

var root = new RootCommand("FaxPost — fax server and fax post office. 'faxpost serve' runs the server; the other verbs are tools and a client of its REST API.");
ClientCommands.AddTo(root);
return await root.Parse(args).InvokeAsync().ConfigureAwait(false);
