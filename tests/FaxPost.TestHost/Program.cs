using FaxPost.Core.Lines;
using FaxPost.TestHost;
using Microsoft.Extensions.DependencyInjection;

// faxpost plus a scripted line configured by environment variables (see ScriptedLine).
return await FaxPost.Cli.FaxPostCli.RunAsync(args, services => services.AddSingleton<IFaxLine>(ScriptedLine.FromEnvironment())).ConfigureAwait(false);
