return await FaxPost.Cli.FaxPostCli.RunAsync(args).ConfigureAwait(false);
