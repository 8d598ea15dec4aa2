using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Engine;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// The `pipeline bench` tables (DESIGN §6): every figure is a ratio of two things measured side by side in this run on
/// the same pack, because absolute times on shared 2-core machines are noise.
/// </summary>
internal sealed class BenchRunner(CliSession session, LoadedPack pack, BenchPlan plan, Action<string> status)
{
    private const double OverheadGoalPercent = 5;
    private const double ReferenceGoal = 4;

    private readonly RecordedPack _recorded = new(pack.Engine);
    private readonly RawTimer _raw = new(pack.Engine, plan.LargestBatch);
    private IAnsiConsole Console => session.Console.Ansi;

    public async Task RunAsync(bool runReference, CancellationToken cancellationToken)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pack {pack.Name} {pack.Engine.Version}: {pack.Engine.ImageWidth}x{pack.Engine.ImageHeight} px, {pack.Engine.SequenceLength} tokens, " +
            $"codebook {pack.Engine.CodebookSize}; provider {pack.Pack.ActiveProvider}, threads {(session.Settings.Threads == 0 ? "auto" : Str(session.Settings.Threads))}; " +
            $"mode {plan.Mode}, {Environment.ProcessorCount} cores"));
        Console.WriteLine("Ratios are the result; absolute times on shared machines are noise.");
        RawForwardTable(cancellationToken);
        await EngineTableAsync(cancellationToken).ConfigureAwait(false);
        await BatchedTableAsync(cancellationToken).ConfigureAwait(false);
        if (runReference)
        {
            await ReferenceTableAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>IDenoiser.Forward alone at each batch size, warm-up excluded.</summary>
    private void RawForwardTable(CancellationToken cancellationToken)
    {
        var table = NewTable("Raw denoiser forward (IDenoiser.Forward, warm-up excluded)", "batch", "calls", "ms / forward", "rows / s", "vs batch 1");
        var rates = new Dictionary<int, double>();
        foreach (var batch in plan.ForwardBatches)
        {
            cancellationToken.ThrowIfCancellationRequested();
            status($"raw forward at batch {batch}");
            _raw.Forward(batch);
            _raw.Forward(batch);
            var calls = 0;
            var total = TimeSpan.Zero;
            while (calls < 3 || total.TotalSeconds < plan.ForwardSeconds)
            {
                total += _raw.Forward(batch);
                calls++;
            }

            rates[batch] = batch * calls / total.TotalSeconds;
            var baseRate = rates.GetValueOrDefault(plan.ForwardBatches[0]);
            table.AddRow(Str(batch), Str(calls), F(total.TotalMilliseconds / calls, 2), F(rates[batch], 1),
                plan.ForwardBatches[0] == 1 ? F(rates[batch] / baseRate, 2) + "x" : "-");
        }

        Console.Write(table);
    }

    /// <summary>Engine generation vs the raw graph time of exactly the forwards (and decodes) the engine ran.</summary>
    private async Task EngineTableAsync(CancellationToken cancellationToken)
    {
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture, $"Engine generation vs raw graph time for the same work ({plan.EngineJobs} jobs submitted at once, max batch {plan.MaxBatch}; goal: overhead ≤ {OverheadGoalPercent}%)"),
            "steps", "engine s", "images / s", "forward calls", "forward rows", "raw forward s", "raw decode s", "overhead", "goal");
        foreach (var steps in plan.EngineSteps)
        {
            status($"engine generation at {steps} steps");
            var run = await RunEngineAsync(plan.EngineJobs, steps, plan.MaxBatch, cancellationToken).ConfigureAwait(false);
            status($"replaying the engine's {run.ForwardBatches.Length} forwards on the raw graph");
            var rawForward = _raw.ReplayForwards(run.ForwardBatches);
            var rawDecode = _raw.ReplayDecodes(run.DecodeBatches);
            var raw = rawForward + rawDecode;
            var overhead = 100 * (run.Wall - raw) / raw;
            table.AddRow(Str(steps), F(run.Wall.TotalSeconds, 3), F(plan.EngineJobs / run.Wall.TotalSeconds, 2),
                Str(run.ForwardBatches.Length), Str(run.ForwardBatches.Sum()), F(rawForward.TotalSeconds, 3), F(rawDecode.TotalSeconds, 3),
                F(overhead, 1) + "%", overhead <= OverheadGoalPercent ? "met" : "not met");
        }

        Console.Write(table);
        Console.WriteLine("overhead = (engine wall − raw time of the same forward and decode calls, replayed back to back) / raw time; "
            + "forward rows = Σ over iterations of the batch each forward ran (steps where no row unmasks anything run no forward).");
    }

    /// <summary>The same jobs with one slot (one job at a time) and with batching.</summary>
    private async Task BatchedTableAsync(CancellationToken cancellationToken)
    {
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture, $"Batched vs one job at a time ({plan.EngineJobs} generation jobs, {plan.BatchedSteps} steps, same seeds)"),
            "max batch", "wall s", "images / s", "forward calls", "speed-up vs 1");
        double? single = null;
        foreach (var maxBatch in plan.BatchedSizes.Prepend(1))
        {
            status($"{plan.EngineJobs} jobs with max batch {maxBatch}");
            var run = await RunEngineAsync(plan.EngineJobs, plan.BatchedSteps, maxBatch, cancellationToken).ConfigureAwait(false);
            var rate = plan.EngineJobs / run.Wall.TotalSeconds;
            single ??= rate;
            table.AddRow(Str(maxBatch), F(run.Wall.TotalSeconds, 3), F(rate, 2), Str(run.ForwardBatches.Length), F(rate / single.Value, 2) + "x");
        }

        Console.Write(table);
    }

    /// <summary>Ours vs the PyTorch reference sampler: same architecture (and weights when the checkpoint is here), steps and batch.</summary>
    private async Task ReferenceTableAsync(CancellationToken cancellationToken)
    {
        var (steps, batch) = (plan.ReferenceSteps, plan.ReferenceBatch);
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture, $"Pipeline vs the Python reference sampler ({steps} steps, batch {batch}, reference order; goal ≥ {ReferenceGoal}x)"),
            "side", "images / s", "speed-up", "goal", "conditions");
        status($"engine at {steps} steps, batch {batch}");
        var run = await RunEngineAsync(batch, steps, batch, cancellationToken).ConfigureAwait(false);
        var ours = batch / run.Wall.TotalSeconds;
        var oursSampling = batch / (run.Wall - run.DecodeTime).TotalSeconds;

        status("Python reference sampler (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it)");
        var root = ReferenceBench.FindRepositoryRoot();
        var checkpoint = root is null ? null : Path.Combine(root, "training", "runs", "emoji32", "denoiser.pt");
        checkpoint = pack.Name == "emoji-32" && checkpoint is not null && File.Exists(checkpoint) ? checkpoint : null;
        var reference = await ReferenceBench.RunAsync(root, pack.Pack.Directory, checkpoint, steps, batch, session.Settings.Threads, cancellationToken).ConfigureAwait(false);

        table.AddRow("pipeline, end to end (with decode)", F(ours, 2), "-", "-", Markup.Escape($"ONNX Runtime {pack.Pack.ActiveProvider}"));
        if (reference.ImagesPerSecond is not { } theirs)
        {
            table.AddRow("pipeline, sampling only", F(oursSampling, 2), "-", "-", "decode time subtracted");
            table.AddRow("Python reference", Markup.Escape("skipped: " + reference.Skipped), "-", "-", "-");
        }
        else
        {
            var ratio = oursSampling / theirs;
            table.AddRow("pipeline, sampling only", F(oursSampling, 2), F(ratio, 2) + "x", ratio >= ReferenceGoal ? "met" : "not met",
                "decode time subtracted (the reference does not decode)");
            table.AddRow("Python reference", F(theirs, 2), "1.00x", "-", Markup.Escape(
                $"torch {reference.TorchThreads} threads, OPENBLAS_CORETYPE/L2_SIZE unset; weights: {reference.Weights}"));
        }

        Console.Write(table);
    }

    private async Task<EngineRun> RunEngineAsync(int jobs, int steps, int maxBatch, CancellationToken cancellationToken)
    {
        var engine = new JobEngine(_recorded, session.Images,
            new EngineOptions { MaxBatch = maxBatch, StepBudgets = Pipeline.Engine.Adapters.ManifestStepBudgets.From(pack.Pack.Manifest.Sampling, degradeUnderBacklog: false) },
            TimeProvider.System, session.Loggers.CreateLogger<JobEngine>());
        await using (engine.ConfigureAwait(false))
        {
            // Warm-up: the same batch shapes once, so neither side pays ONNX Runtime's first-call cost in the timing.
            await RunJobsAsync(engine, jobs, 1, 1_000_000, cancellationToken).ConfigureAwait(false);
            _recorded.Reset();
            var started = Stopwatch.GetTimestamp();
            await RunJobsAsync(engine, jobs, steps, 0, cancellationToken).ConfigureAwait(false);
            var wall = Stopwatch.GetElapsedTime(started);
            return new EngineRun(wall, [.. _recorded.Denoiser.Batches], [.. _recorded.Codec.DecodeBatches], _recorded.Codec.DecodeElapsed);
        }
    }

    private Task<EngineResult[]> RunJobsAsync(JobEngine engine, int jobs, int steps, long seed, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, jobs).Select(i => engine.RunAsync(
            new EngineJob { JobId = $"bench-{seed + i}", Kind = JobKind.Generation, ModelPack = pack.Name, Seed = seed + i, Steps = steps },
            cancellationToken: cancellationToken)));

    private static Table NewTable(string title, params string[] columns) =>
        new Table().Border(TableBorder.Simple).Title(Markup.Escape(title)).AddColumns(columns);

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, int digits) => value.ToString("F" + Str(digits), CultureInfo.InvariantCulture);

    private sealed record EngineRun(TimeSpan Wall, int[] ForwardBatches, int[] DecodeBatches, TimeSpan DecodeTime);
}
