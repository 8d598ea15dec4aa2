using System.CommandLine;
using Pipeline.Cli.Remote;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline watch BATCH...`: progress of submitted batches until they complete.</summary>
internal static class WatchCommand
{
    public static Command Create(CliConsole console)
    {
        var remote = new RemoteOptions();
        var batches = new Argument<string[]>("BATCH") { Description = "Batch id(s), as `pipeline submit` printed them", Arity = ArgumentArity.OneOrMore };
        var interval = RemoteOptions.Seconds("--interval", "Seconds between status polls", 2);
        var command = new Command("watch", $"""
            Show a batch's progress (succeeded, failed and canceled of its jobs) until every job has ended. Stopping the
            watch (Ctrl-C) does not stop the jobs. Several ids are watched together as one bar.

            Examples:
              pipeline watch nightly-2024-06-01
              pipeline watch big-1 big-2 big-3 --interval 10

            Exit codes: 0 every job succeeded; 1 a job failed or was canceled (the reasons are listed); 2 unknown batch or
            refused API key; 3 the API unreachable or failing.
            """);
        command.Arguments.Add(batches);
        command.Options.Add(interval);
        remote.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, async () =>
        {
            var settings = remote.Read(r, console);
            var ids = BatchIds.Check(r.GetValue(batches)!);
            return await RemoteGuard.RunAsync(console, settings, async () =>
            {
                using var connection = ApiConnection.Open(settings, console);
                return await BatchDisplay.WatchAsync(console, connection.Client, ids, TimeSpan.FromSeconds(r.GetValue(interval)), ct).ConfigureAwait(false);
            }).ConfigureAwait(false);
        }));
        return command;
    }
}
