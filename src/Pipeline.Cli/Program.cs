using Pipeline.Cli;

return await PipelineCli.RunAsync(args, CliConsole.FromProcess()).ConfigureAwait(false);
