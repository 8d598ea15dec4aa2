using System.Diagnostics;
using System.Globalization;
using Pipeline.Client;
using Spectre.Console;

namespace Pipeline.Cli.Remote;

/// <summary>
/// Watching batches the way the other commands show progress: a live bar on a terminal (ended of expected, with
/// succeeded/failed/canceled), otherwise a line on stderr per change; then a summary and the failures by reason.
/// </summary>
internal static class BatchDisplay
{
    /// <summary>Watches until every batch completed; returns <see cref="ExitCodes.Ok"/> when every job succeeded, else <see cref="ExitCodes.JobFailures"/>.</summary>
    public static async Task<int> WatchAsync(CliConsole console, PipelineApiClient client, IReadOnlyList<string> batchIds, TimeSpan interval,
        CancellationToken cancellationToken)
    {
        // The batches were just submitted, or named by the user: one the API does not know is a mistake, not a delay.
        var watcher = new BatchWatcher(client) { Interval = interval, NotFoundGrace = TimeSpan.Zero };
        var title = batchIds.Count == 1 ? batchIds[0] : $"{batchIds[0]} … ({batchIds.Count} batches)";
        var stopwatch = Stopwatch.StartNew();
        IReadOnlyList<BatchView> final;
        try
        {
            if (console.IsTerminal)
            {
                IReadOnlyList<BatchView>? last = null;
                await console.Ansi.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                        new ElapsedTimeColumn(), new RemainingTimeColumn())
                    .StartAsync(async context =>
                    {
                        var bar = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: 1);
                        last = await watcher.WatchAsync(batchIds, new Reporter<IReadOnlyList<BatchView>>(statuses =>
                        {
                            var (expected, counts) = Totals(statuses);
                            bar.MaxValue = Math.Max(expected, 1);
                            bar.Value = Math.Min(counts.Ended, bar.MaxValue);
                            bar.Description = $"{Markup.Escape(title)}  [green]{counts.Succeeded} succeeded[/]"
                                + (counts.Failed > 0 ? $" [red]{counts.Failed} failed[/]" : " 0 failed")
                                + (counts.Canceled > 0 ? $" [yellow]{counts.Canceled} canceled[/]" : " 0 canceled")
                                + $" of {expected}";
                        }), cancellationToken).ConfigureAwait(false);
                    }).ConfigureAwait(false);
                final = last!;
            }
            else
            {
                final = await watcher.WatchAsync(batchIds,
                    new Reporter<IReadOnlyList<BatchView>>(statuses => console.Error.WriteLine($"{title}: {Describe(statuses)}")),
                    cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.Error.WriteLine($"Stopped watching; the jobs keep running. Watch again: pipeline watch {string.Join(' ', batchIds)}");
            throw;
        }

        var (total, ended) = Totals(final);
        // The batch's own duration, from its records: watching a batch that finished yesterday must not report the
        // second the watch took. An API that sends no timestamps gets the watch's time, said as such.
        var took = Duration(final) is { } recorded
            ? string.Create(CultureInfo.InvariantCulture, $"completed in {recorded.TotalSeconds:F1} s")
            : string.Create(CultureInfo.InvariantCulture, $"completed (watched for {stopwatch.Elapsed.TotalSeconds:F1} s)");
        console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{title} {took}: {ended.Succeeded} succeeded, {ended.Failed} failed, {ended.Canceled} canceled of {total}"));
        if (ended.Failed + ended.Canceled == 0)
        {
            console.Error.WriteLine($"Results: pipeline fetch {string.Join(' ', batchIds)} --out DIR");
            return ExitCodes.Ok;
        }

        await ReportUnsucceededAsync(console, client, batchIds, cancellationToken).ConfigureAwait(false);
        return ExitCodes.JobFailures;
    }

    /// <summary>One line per status and reason (500 jobs failing for one reason are one problem), with a few job ids each.</summary>
    public static async Task ReportUnsucceededAsync(CliConsole console, PipelineApiClient client, IReadOnlyList<string> batchIds,
        CancellationToken cancellationToken)
    {
        var jobs = new List<BatchJob>();
        foreach (var batchId in batchIds)
        {
            string? after = null;
            do
            {
                var page = await client.ListBatchJobsAsync(batchId, after, 1000, cancellationToken).ConfigureAwait(false);
                jobs.AddRange(page.Jobs.Where(j => j.IsEnded && !j.IsSucceeded));
                after = page.Jobs.Count == 0 ? null : page.Next;
            }
            while (after is not null);
        }

        var groups = jobs.GroupBy(j => (j.Status, j.Error?.Code)).OrderByDescending(g => g.Count()).ToList();
        foreach (var group in groups.Take(10))
        {
            var ids = group.Select(j => j.JobId).ToList();
            var which = string.Join(", ", ids.Take(5)) + (ids.Count > 5 ? $", … ({ids.Count - 5} more)" : "");
            var code = group.Key.Code is { } c ? $" [{c}]" : "";
            var message = group.First().Error?.Message is { Length: > 0 } m ? $": {m}" : "";
            console.WriteError(string.Create(CultureInfo.InvariantCulture, $"{ids.Count} job(s) {group.Key.Status}{code}{message} ({which})"));
        }

        if (groups.Count > 10)
        {
            console.Error.WriteLine($"… and {groups.Count - 10} more reasons; `pipeline fetch` writes every job's status to {BatchFetcher.JobsFileName}");
        }
    }

    /// <summary>From the first submission to the last completion of completed batches, as recorded; null when a time is missing.</summary>
    public static TimeSpan? Duration(IReadOnlyList<BatchView> statuses)
    {
        ArgumentNullException.ThrowIfNull(statuses);
        if (statuses.Count == 0 || statuses.Any(s => s.SubmittedAt is null || s.CompletedAt is null))
        {
            return null;
        }

        var duration = statuses.Max(s => s.CompletedAt!.Value) - statuses.Min(s => s.SubmittedAt!.Value);
        return duration < TimeSpan.Zero ? TimeSpan.Zero : duration;
    }

    /// <summary>The expected jobs and the counts of several batches summed.</summary>
    public static (int Expected, BatchCounts Counts) Totals(IReadOnlyList<BatchView> statuses) =>
        (statuses.Sum(s => s.Expected), statuses.Select(s => s.Counts).Aggregate(new BatchCounts(), (a, b) => a + b));

    /// <summary>The counts as a line: <c>512/1000 ended: 510 succeeded, 2 failed, 0 canceled; 300 running, 188 queued</c>.</summary>
    public static string Describe(IReadOnlyList<BatchView> statuses)
    {
        var (expected, c) = Totals(statuses);
        return string.Create(CultureInfo.InvariantCulture,
            $"{c.Ended}/{expected} ended: {c.Succeeded} succeeded, {c.Failed} failed, {c.Canceled} canceled; {c.Running} running, {c.Queued} queued");
    }

    /// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post to the thread pool, out of order).</summary>
    internal sealed class Reporter<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
