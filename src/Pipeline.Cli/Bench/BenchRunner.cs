using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Inference;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// The `pipeline bench` tables (docs/architecture.md §6): every figure is a ratio of two things measured side by side in this run on
/// the same pack, because absolute times on shared 2-core machines are noise. When the pack has the optional int8
/// denoiser (and, on CUDA, the fp16 one), the raw-forward and reference tables measure every such denoiser graph in
/// the same run; the engine and batching tables run the precision the session asked for (--precision).
/// </summary>
internal sealed partial class BenchRunner(CliSession session, LoadedPack pack, BenchPlan plan, Action<string> status)
{
    private const double OverheadGoalPercent = 5;
    private const double ReferenceGoal = 4;

    private readonly Variant _primary = new(pack.Pack, pack.Engine, plan.LargestBatch);
    private Variant[] _variants = [];
    private IAnsiConsole Console => session.Console.Ansi;

    public async Task RunAsync(bool runReference, bool frontierOnly, CancellationToken cancellationToken)
    {
        var others = LoadOtherPrecisions();
        try
        {
            await RunAllAsync(others, runReference, frontierOnly, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            others.ForEach(o => o.Dispose());
        }
    }

    private async Task RunAllAsync(List<ModelPack> others, bool runReference, bool frontierOnly, CancellationToken cancellationToken)
    {
        _variants = [.. others.Select(o => new Variant(o, session.Packs.Map(o), plan.LargestBatch)).Prepend(_primary).OrderBy(v => v.Pack.DenoiserPrecision)];
        var otherLabels = string.Join(" and ", others.Select(Label));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"pack {pack.Name} {pack.Engine.Version}: {pack.Engine.ImageWidth}x{pack.Engine.ImageHeight} px, {pack.Engine.SequenceLength} tokens, " +
            $"codebook {pack.Engine.CodebookSize}; provider {pack.Pack.ActiveProvider}, threads {(session.Settings.Threads == 0 ? "auto" : Str(session.Settings.Threads))}; " +
            $"denoiser {_primary.Label}{(others.Count == 0 ? " (the pack has no other denoiser for this provider)" : $" (+ {otherLabels} in the forward and reference tables)")}; " +
            $"mode {plan.Mode}, {Environment.ProcessorCount} cores"));
        Console.WriteLine($"{CpuDescription.Describe()}; {CpuDescription.Load()} at start; pack load {pack.Pack.LoadTime.TotalSeconds:0.00} s (not in any images/s below)");
        Console.WriteLine("Ratios are the result; absolute times on shared machines are noise.");
        await FrontierAsync(runReference, cancellationToken).ConfigureAwait(false);
        if (frontierOnly)
        {
            Console.WriteLine($"{CpuDescription.Load()} at the end.");
            return;
        }

        RawForwardTable(cancellationToken);
        await LayoutTableAsync(cancellationToken).ConfigureAwait(false);
        await EngineTableAsync(cancellationToken).ConfigureAwait(false);
        await BatchedTableAsync(cancellationToken).ConfigureAwait(false);
        if (runReference)
        {
            await ReferenceTableAsync(cancellationToken).ConfigureAwait(false);
        }

        Console.WriteLine($"{CpuDescription.Load()} at the end.");
    }

    // The pack again at each other denoiser precision it has that its provider runs (fp16 only on CUDA), disposed by the caller.
    private List<ModelPack> LoadOtherPrecisions()
    {
        var loaded = new List<ModelPack>();
        foreach (var precision in Enum.GetValues<DenoiserPrecision>())
        {
            if (precision == pack.Pack.DenoiserPrecision || pack.Pack.Manifest.Graphs.DenoiserFor(precision) is null
                || (precision == DenoiserPrecision.Float16 && pack.Pack.ActiveProvider != ExecutionProvider.Cuda))
            {
                continue;
            }

            status($"loading the {GlobalOptions.Name(precision)} denoiser");
            loaded.Add(ModelPack.Load(pack.Pack.Directory, session.Settings.Inference with { DenoiserPrecision = precision }, session.Loggers.CreateLogger<ModelPack>()));
        }

        return loaded;
    }

    /// <summary>
    /// IDenoiser.Forward alone at each batch size and denoiser precision, warm-up excluded. The precisions take turns
    /// in short rounds and each keeps its fastest round, so a neighbour's burst on a shared machine slows one round of
    /// each rather than the whole measurement of one (the ratio between them is the result).
    /// </summary>
    private void RawForwardTable(CancellationToken cancellationToken)
    {
        const int Rounds = 5;
        var compare = _variants.Length > 1;
        var table = NewTable(
            compare ? $"Raw denoiser forward, {string.Join(" and ", _variants.Select(v => v.Label))} (IDenoiser.Forward, no warm-up)" : "Raw denoiser forward (IDenoiser.Forward, warm-up excluded)",
            compare ? ["batch", "denoiser", "calls", "ms / forward", "rows / s", "vs batch 1", "vs fp32"] : ["batch", "calls", "ms / forward", "rows / s", "vs batch 1"]);
        var rates = new Dictionary<(Variant, int), double>();
        foreach (var batch in plan.ForwardBatches)
        {
            status($"raw forward at batch {batch}");
            var calls = _variants.ToDictionary(v => v, _ => 0);
            var best = _variants.ToDictionary(v => v, _ => double.MaxValue);
            foreach (var variant in _variants)
            {
                variant.Raw.Forward(batch);
                variant.Raw.Forward(batch);
            }

            for (var round = 0; round < Rounds; round++)
            {
                foreach (var variant in _variants)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (n, total) = (0, TimeSpan.Zero);
                    while (n < 3 || total.TotalSeconds < plan.ForwardSeconds / Rounds)
                    {
                        total += variant.Raw.Forward(batch);
                        n++;
                    }

                    calls[variant] += n;
                    best[variant] = Math.Min(best[variant], total.TotalMilliseconds / n);
                }
            }

            foreach (var variant in _variants)
            {
                var rate = rates[(variant, batch)] = batch * 1000 / best[variant];
                var vsBatch1 = plan.ForwardBatches[0] == 1 ? F(rate / rates[(variant, plan.ForwardBatches[0])], 2) + "x" : "-";
                string[] cells = [Str(batch), Str(calls[variant]), F(best[variant], 2), F(rate, 1), vsBatch1];
                if (compare)
                {
                    cells = [cells[0], variant.Label, .. cells[1..], F(rate / rates[(_variants[0], batch)], 2) + "x"];
                }

                table.AddRow(cells);
            }
        }

        Console.Write(table);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ms / forward = the fastest of {Rounds} rounds (at least {plan.ForwardSeconds / Rounds:0.##} s and 3 calls each){(compare ? ", the precisions taking turns" : string.Empty)}."));
    }

    /// <summary>
    /// Engine generation vs the raw graph time of exactly the forwards (and decodes) the engine ran. Engine runs and raw
    /// replays take turns for <see cref="BenchPlan.EngineRounds"/> rounds and each side keeps its fastest, so a
    /// neighbour's burst on a shared machine slows one round of one side rather than deciding the ratio.
    /// </summary>
    private async Task EngineTableAsync(CancellationToken cancellationToken)
    {
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture, $"Engine generation vs raw graph time for the same work ({plan.EngineJobs} jobs submitted at once, max batch {plan.MaxBatch}, {_primary.Label} denoiser; goal: overhead ≤ {OverheadGoalPercent}%)"),
            "steps", "engine s", "images / s", "forward calls", "forward rows", "raw forward s", "raw decode s", "overhead", "goal");
        foreach (var steps in plan.EngineSteps)
        {
            EngineRun? best = null;
            var (rawForward, rawDecode) = (TimeSpan.MaxValue, TimeSpan.MaxValue);
            for (var round = 1; round <= plan.EngineRounds; round++)
            {
                status($"engine generation at {steps} steps (round {round} of {plan.EngineRounds})");
                var run = await RunEngineAsync(_primary, plan.EngineJobs, steps, plan.MaxBatch, order: null, repeats: 1, cancellationToken).ConfigureAwait(false);
                best = best is null || run.Wall < best.Wall ? run : best;
                status($"replaying the engine's {run.ForwardBatches.Length} forwards on the raw graph");
                rawForward = Min(rawForward, _primary.Raw.ReplayForwards(run.ForwardBatches));
                rawDecode = Min(rawDecode, _primary.Raw.ReplayDecodes(run.DecodeBatches));
            }

            var raw = rawForward + rawDecode;
            var overhead = 100 * (best!.Wall - raw) / raw;
            table.AddRow(Str(steps), F(best.Wall.TotalSeconds, 3), F(plan.EngineJobs / best.Wall.TotalSeconds, 2),
                Str(best.ForwardBatches.Length), Str(best.ForwardBatches.Sum()), F(rawForward.TotalSeconds, 3), F(rawDecode.TotalSeconds, 3),
                F(overhead, 1) + "%", overhead <= OverheadGoalPercent ? "met" : "not met");
        }

        Console.Write(table);
        Console.WriteLine("overhead = (engine wall − raw time of the same forward and decode calls, replayed back to back) / raw time, each the fastest of "
            + Str(plan.EngineRounds) + " alternating rounds (the same seeds give the same forwards every round); "
            + "forward rows = Σ over iterations of the batch each forward ran (steps where no row unmasks anything run no forward).");
    }

    /// <summary>The same jobs with one slot (one job at a time) and with batching.</summary>
    private async Task BatchedTableAsync(CancellationToken cancellationToken)
    {
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture, $"Batched vs one job at a time ({plan.EngineJobs} generation jobs, {plan.BatchedSteps} steps, same seeds, {_primary.Label} denoiser)"),
            "max batch", "wall s", "images / s", "forward calls", "speed-up vs 1");
        double? single = null;
        foreach (var maxBatch in plan.BatchedSizes.Prepend(1))
        {
            status($"{plan.EngineJobs} jobs with max batch {maxBatch}");
            var run = await RunEngineAsync(_primary, plan.EngineJobs, plan.BatchedSteps, maxBatch, order: null, repeats: 1, cancellationToken).ConfigureAwait(false);
            var rate = plan.EngineJobs / run.Wall.TotalSeconds;
            single ??= rate;
            table.AddRow(Str(maxBatch), F(run.Wall.TotalSeconds, 3), F(rate, 2), Str(run.ForwardBatches.Length), F(rate / single.Value, 2) + "x");
        }

        Console.Write(table);
    }

    /// <summary>
    /// Ours vs the PyTorch reference sampler: same architecture (and weights when the checkpoint is here), steps, batch
    /// and unmask order (the reference's 1/t rule on both sides), the reference always on the float32 checkpoint; our
    /// side once per denoiser graph of the pack.
    /// </summary>
    private async Task ReferenceTableAsync(CancellationToken cancellationToken)
    {
        var (steps, batch, repeats) = (plan.ReferenceSteps, plan.ReferenceBatch, plan.ReferenceRepeats);
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture,
                $"Pipeline vs the Python reference sampler ({steps} steps, batch {batch}, both sides in the reference 1/t unmask order; best of {repeats}; goal ≥ {ReferenceGoal}x)"),
            "side", "images / s", "forward rows", "vs reference", "goal", "conditions");

        var runs = new List<(Variant Variant, EngineRun Run)>();
        foreach (var variant in _variants)
        {
            status($"engine ({variant.Label}) at {steps} steps, batch {batch}, reference order");
            // Decode in series: "sampling only" below subtracts the decode time from the wall, exact only when nothing overlaps it.
            runs.Add((variant, await RunEngineAsync(variant, batch, steps, batch, UnmaskOrder.Reference, repeats, cancellationToken, overlapDecode: false)
                .ConfigureAwait(false)));
        }

        status("Python reference sampler (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for it)");
        var root = ReferenceBench.FindRepositoryRoot();
        var checkpoint = root is null ? null : Path.Combine(root, "training", "runs", "emoji32", "denoiser.pt");
        checkpoint = pack.Name == "emoji-32" && checkpoint is not null && File.Exists(checkpoint) ? checkpoint : null;
        var reference = await ReferenceBench.RunAtBestAsync(root, pack.Pack.Directory, checkpoint, steps, batch, session.Settings.Threads, repeats, cancellationToken)
            .ConfigureAwait(false);

        if (reference.ImagesPerSecond is { } theirs)
        {
            table.AddRow("Python reference (PyTorch, fp32)", F(theirs, 2), Str(reference.ForwardRows), "1.00x", "-", Markup.Escape(
                $"torch {reference.TorchThreads} thread(s){(session.Settings.Threads == 0 ? " (the faster of torch's default and one per core)" : "")}, "
                + $"OPENBLAS_CORETYPE/L2_SIZE unset; weights: {reference.Weights}"));
        }
        else
        {
            table.AddRow("Python reference (PyTorch, fp32)", Markup.Escape("skipped: " + reference.Skipped), "-", "-", "-", "-");
        }

        foreach (var (variant, run) in runs)
        {
            var rows = Str(run.ForwardBatches.Sum());
            var ours = batch / run.Wall.TotalSeconds;
            var sampling = batch / (run.Wall - run.DecodeTime).TotalSeconds;
            var threads = session.Settings.Threads == 0 ? $"threads auto ({Environment.ProcessorCount} cores)" : $"{session.Settings.Threads} threads";
            var provider = Markup.Escape($"ONNX Runtime {variant.Pack.ActiveProvider}, {threads}, {variant.Label} denoiser");
            if (reference.ImagesPerSecond is { } theirRate)
            {
                var ratio = sampling / theirRate;
                table.AddRow($"pipeline {variant.Label}, sampling only", F(sampling, 2), rows, F(ratio, 2) + "x", ratio >= ReferenceGoal ? "met" : "not met",
                    provider + "; decode time subtracted (the reference does not decode)");
                table.AddRow($"pipeline {variant.Label}, end to end (with decode)", F(ours, 2), rows, F(ours / theirRate, 2) + "x", "-", provider);
            }
            else
            {
                table.AddRow($"pipeline {variant.Label}, sampling only", F(sampling, 2), rows, "-", "-", provider + "; decode time subtracted");
                table.AddRow($"pipeline {variant.Label}, end to end (with decode)", F(ours, 2), rows, "-", "-", provider);
            }
        }

        Console.Write(table);
        Console.WriteLine("forward rows = Σ over steps of the rows each forward ran. The reference forwards its whole batch at every step in which "
            + "any row unmasks something; the engine forwards only the jobs that unmask something at that step (the 1/t rule decides before the "
            + "forward which positions unmask), which is where its lower count comes from.");
    }

    /// <summary>
    /// The jobs once at 1 step (warm-up: ONNX Runtime's first call at each batch shape), then <paramref name="repeats"/> timed runs;
    /// the fastest counts. Null <paramref name="steps"/> and <paramref name="order"/> take the pack's defaults, as a job naming none does.
    /// </summary>
    /// <param name="overlapDecode">Whether the engine decodes off its loop (<see cref="EngineOptions.OverlapDecode"/>); null: the default.</param>
    private async Task<EngineRun> RunEngineAsync(Variant variant, int jobs, int? steps, int maxBatch, UnmaskOrder? order, int repeats, CancellationToken cancellationToken,
        bool? overlapDecode = null)
    {
        // Budgets: the recorded pack carries the ones session.Packs gave it (the manifest's, for a local run).
        var options = CliSession.LocalRun(maxBatch);
        options.OverlapDecode = overlapDecode ?? options.OverlapDecode;
        var engine = EngineFactory.Create(variant.Recorded, options, TimeProvider.System, session.Loggers);
        await using (engine.ConfigureAwait(false))
        {
            await RunJobsAsync(engine, jobs, 1, 1_000_000, order, cancellationToken).ConfigureAwait(false);
            EngineRun? best = null;
            for (var i = 0; i < Math.Max(1, repeats); i++)
            {
                variant.Recorded.Reset();
                var loopBefore = engine.LoopTimes();
                var started = Stopwatch.GetTimestamp();
                var results = await RunJobsAsync(engine, jobs, steps, 0, order, cancellationToken).ConfigureAwait(false);
                var wall = Stopwatch.GetElapsedTime(started);
                var loop = engine.LoopTimes() - loopBefore;
                if (best is null || wall < best.Wall)
                {
                    var metadata = results[0].Metadata;
                    best = new EngineRun(wall, [.. variant.Recorded.Denoiser.Batches], [.. variant.Recorded.Codec.DecodeBatches], variant.Recorded.Codec.DecodeElapsed,
                        loop, jobs, maxBatch, UnmaskOrders.Parse(metadata.Order) ?? UnmaskOrder.Reference, metadata.StepsUsed, options.OverlapDecode);
                }
            }

            return best!;
        }
    }

    private Task<EngineResult[]> RunJobsAsync(JobEngine engine, int jobs, int? steps, long seed, UnmaskOrder? order, CancellationToken cancellationToken) =>
        Task.WhenAll(Enumerable.Range(0, jobs).Select(i => engine.RunAsync(
            new EngineJob { JobId = $"bench-{seed + i}", Kind = JobKind.Generation, ModelPack = pack.Name, Seed = seed + i, Steps = steps, Order = order },
            cancellationToken: cancellationToken)));

    private static string Label(ModelPack modelPack) => GlobalOptions.Name(modelPack.DenoiserPrecision);

    private static Table NewTable(string title, params string[] columns) =>
        new Table().Border(TableBorder.Simple).Title(Markup.Escape(title)).AddColumns(columns);

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static string Str(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string F(double value, int digits) => value.ToString("F" + Str(digits), CultureInfo.InvariantCulture);

    /// <summary>One denoiser graph of the pack as the bench drives it: recorded for the engine, timed raw.</summary>
    private sealed class Variant(ModelPack modelPack, EngineModelPack engine, int largestBatch)
    {
        public ModelPack Pack { get; } = modelPack;

        public string Label { get; } = BenchRunner.Label(modelPack);

        public RecordedPack Recorded { get; } = new(engine);

        public RawTimer Raw { get; } = new(engine, largestBatch);
    }

    /// <summary>One measured engine run: its wall time, the model calls it made, its loop's phase clock and the settings the jobs got.</summary>
    private sealed record EngineRun(TimeSpan Wall, int[] ForwardBatches, int[] DecodeBatches, TimeSpan DecodeTime, EngineLoopTimes Loop, int Jobs, int MaxBatch,
        UnmaskOrder Order, int StepsUsed, bool OverlapDecode)
    {
        public string OrderName => UnmaskOrders.Name(Order);
    }
}
