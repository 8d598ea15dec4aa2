using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Remote;
using Pipeline.Client;
using Spectre.Console;

namespace Pipeline.Cli.Commands;

/// <summary>`pipeline fetch BATCH... --out DIR`: each succeeded job's PNG and a jobs.jsonl; resumable.</summary>
internal static class FetchCommand
{
    public static Command Create(CliConsole console)
    {
        var remote = new RemoteOptions();
        var batches = new Argument<string[]>("BATCH") { Description = "Batch id(s), as `pipeline submit` printed them", Arity = ArgumentArity.OneOrMore };
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Folder for the results (created if missing); several batches share it",
            HelpName = "DIR",
            Required = true,
        };
        var parallel = new Option<int>("--parallel")
        {
            Description = "Downloads at once",
            DefaultValueFactory = _ => 4,
            HelpName = "N",
        };
        parallel.Validators.Add(v =>
        {
            if (v.GetValueOrDefault<int>() is < 1 or > 64)
            {
                v.AddError("--parallel must be between 1 and 64");
            }
        });
        var command = new Command("fetch", $"""
            Download a batch's results: DIR/<jobId>.png for every succeeded job, and DIR/{BatchFetcher.JobsFileName} with one
            line per job (jobId, status, kind, stepsUsed, error {"{"}code, message{"}"}, file). Files are written under a temporary
            name and renamed, and PNGs already in DIR are skipped: run it again to resume an interrupted fetch, or to pick
            up jobs that finished since.

            Examples:
              pipeline fetch nightly-2024-06-01 --out results/
              pipeline fetch big-1 big-2 big-3 --out results/

            Exit codes: 0 DIR holds a PNG for every job; 1 some jobs failed, were canceled or have not finished (listed;
            {BatchFetcher.JobsFileName} has them all); 2 unknown batch or refused API key; 3 the API unreachable or failing.
            """);
        command.Arguments.Add(batches);
        command.Options.Add(output);
        command.Options.Add(parallel);
        remote.AddTo(command);
        command.SetAction((r, ct) => Guard.RunAsync(console, async () =>
        {
            var settings = remote.Read(r, console);
            var ids = BatchIds.Check(r.GetValue(batches)!);
            var directory = r.GetValue(output)!.FullName;
            return await RemoteGuard.RunAsync(console, settings,
                () => RunAsync(console, settings, ids, directory, r.GetValue(parallel), ct)).ConfigureAwait(false);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, RemoteSettings settings, IReadOnlyList<string> ids, string directory, int parallel,
        CancellationToken cancellationToken)
    {
        using var connection = ApiConnection.Open(settings, console);
        var statuses = new List<BatchView>();
        foreach (var id in ids)
        {
            statuses.Add(await connection.Client.GetBatchAsync(id, cancellationToken).ConfigureAwait(false)
                ?? throw new UsageException($"the API at {settings.BaseAddress} has no batch '{id}' (check the id `pipeline submit` printed)"));
        }

        var (expected, _) = BatchDisplay.Totals(statuses);
        var fetcher = new BatchFetcher(connection.Client) { MaxParallelDownloads = parallel };
        FetchSummary summary;
        try
        {
            if (console.IsTerminal)
            {
                FetchSummary? done = null;
                await console.Ansi.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async context =>
                    {
                        var bar = context.AddTask("fetch", autoStart: true, maxValue: Math.Max(expected, 1));
                        done = await fetcher.FetchAsync(ids, directory,
                            new BatchDisplay.Reporter<FetchSummary>(s => bar.Value = Math.Min(s.Jobs, bar.MaxValue)), cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                summary = done!;
            }
            else
            {
                summary = await fetcher.FetchAsync(ids, directory, null, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write into '{directory}': {e.Message}", e);
        }

        console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{summary.Downloaded + summary.Skipped} of {summary.Jobs} results in {directory} ({summary.Downloaded} downloaded, {summary.Skipped} already there) and {BatchFetcher.JobsFileName}"));
        if (summary.IsComplete)
        {
            return ExitCodes.Ok;
        }

        if (summary.NotSucceeded > 0)
        {
            await BatchDisplay.ReportUnsucceededAsync(console, connection.Client, ids, cancellationToken).ConfigureAwait(false);
        }

        if (summary.Pending > 0)
        {
            console.WriteError(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Pending} job(s) have not finished yet; run the same fetch again later to add their results (or `pipeline watch {string.Join(' ', ids)}` first)"));
        }

        if (summary.Missing > 0)
        {
            console.WriteError(string.Create(CultureInfo.InvariantCulture,
                $"{summary.Missing} succeeded job(s) have no result file on the API (404); their lines in {BatchFetcher.JobsFileName} have \"file\": null"));
        }

        return ExitCodes.JobFailures;
    }
}
