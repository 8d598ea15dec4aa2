using System.Diagnostics;
using Pipeline.Engine;
using Spectre.Console;

namespace Pipeline.Cli.Running;

/// <summary>
/// Submits a run's jobs to the engine all at once (the engine batches them), shows progress (a live bar on a
/// terminal, a line per finished job otherwise), and hands each result to <c>onResult</c> as it arrives.
/// </summary>
internal sealed class JobRunner(IJobEngine engine, CliConsole console)
{
    public async Task<JobRunOutcome> RunAsync(string title, IReadOnlyList<EngineJob> jobs, Action<int, EngineResult>? onResult,
        CancellationToken cancellationToken)
    {
        var results = new EngineResult?[jobs.Count];
        var errors = new Exception?[jobs.Count];
        var stopwatch = Stopwatch.StartNew();
        if (console.IsTerminal)
        {
            await console.Ansi.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                .StartAsync(async context =>
                {
                    var bar = context.AddTask(Markup.Escape(title), autoStart: true, maxValue: jobs.Count);
                    var tracker = new ProgressTracker(jobs.Count, fraction => bar.Value = fraction);
                    await RunAllAsync(jobs, tracker, results, errors, onResult, _ => { }, cancellationToken).ConfigureAwait(false);
                    bar.Value = jobs.Count;
                }).ConfigureAwait(false);
        }
        else
        {
            var done = 0;
            await RunAllAsync(jobs, null, results, errors, onResult,
                i => console.Out.WriteLine($"{title}: {Interlocked.Increment(ref done)}/{jobs.Count} {jobs[i].JobId} {(errors[i] is null ? "done" : "failed")}"),
                cancellationToken).ConfigureAwait(false);
        }

        return new JobRunOutcome(jobs, results, errors, stopwatch.Elapsed);
    }

    private async Task RunAllAsync(IReadOnlyList<EngineJob> jobs, ProgressTracker? tracker, EngineResult?[] results, Exception?[] errors,
        Action<int, EngineResult>? onResult, Action<int> finished, CancellationToken cancellationToken)
    {
        var gate = new Lock();
        var tasks = jobs.Select(async (job, i) =>
        {
            try
            {
                var result = await engine.RunAsync(job, tracker?.For(i), cancellationToken).ConfigureAwait(false);
                results[i] = result;
                lock (gate)
                {
                    onResult?.Invoke(i, result);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Every job's failure is recorded and reported; one bad job must not hide the others' results.
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors[i] = e;
            }

            lock (gate)
            {
                finished(i);
            }
        }).ToList();
        await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    /// <summary>Sums each job's step fraction into one bar; called on the engine's loop thread, so it only stores numbers.</summary>
    private sealed class ProgressTracker(int jobs, Action<double> publish)
    {
        private readonly double[] _fractions = new double[jobs];
        private readonly Lock _gate = new();

        public IProgress<JobProgress> For(int index) => new Reporter(this, index);

        private void Set(int index, double fraction)
        {
            double total;
            lock (_gate)
            {
                _fractions[index] = fraction;
                total = _fractions.Sum();
            }

            publish(total);
        }

        private sealed class Reporter(ProgressTracker owner, int index) : IProgress<JobProgress>
        {
            public void Report(JobProgress value) => owner.Set(index, value.Steps == 0 ? 1 : (double)value.Step / value.Steps);
        }
    }
}
