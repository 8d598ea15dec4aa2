using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Inference;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// The CPU thread layout, chosen by measurement: one denoiser session with every thread against
/// <see cref="InferenceOptions.DenoiserSessions"/> sessions of one thread each on their share of the rows, at the pack's
/// default settings end to end and on raw forwards at the frontier's batch. The layouts take turns, each keeping its best.
/// </summary>
internal sealed partial class BenchRunner
{
    private async Task LayoutTableAsync(CancellationToken cancellationToken)
    {
        var split = Math.Max(2, Environment.ProcessorCount);
        if (pack.Pack.ActiveProvider != ExecutionProvider.Cpu)
        {
            Console.WriteLine("Thread layout table skipped: it compares CPU session layouts, and the pack runs on " + pack.Pack.ActiveProvider + ".");
            return;
        }

        status($"loading the denoiser as {split} one-thread sessions");
        using var splitPack = ModelPack.Load(pack.Pack.Directory, session.Settings.Inference with { DenoiserSessions = split },
            session.Loggers.CreateLogger<ModelPack>());
        Variant[] layouts = [_primary, new Variant(splitPack, session.Packs.Map(splitPack), plan.LargestBatch)];
        string[] names = ["1 session, all threads", $"{split} sessions, threads shared, rows split"];
        var bestRun = new EngineRun?[2];
        var bestForward = new[] { double.MaxValue, double.MaxValue };
        for (var round = 1; round <= plan.FrontierRepeats; round++)
        {
            for (var i = 0; i < layouts.Length; i++)
            {
                status($"thread layout: {names[i]} (round {round} of {plan.FrontierRepeats})");
                var run = await RunEngineAsync(layouts[i], plan.FrontierJobs, steps: null, plan.FrontierBatch, order: null, repeats: 1, cancellationToken)
                    .ConfigureAwait(false);
                bestRun[i] = bestRun[i] is { } b && b.Wall <= run.Wall ? b : run;
                layouts[i].Raw.Forward(plan.FrontierBatch);
                var forward = Enumerable.Range(0, 5).Min(_ => layouts[i].Raw.Forward(plan.FrontierBatch).TotalMilliseconds);
                bestForward[i] = Math.Min(bestForward[i], forward);
            }
        }

        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture,
                $"CPU thread layout ({_primary.Label} denoiser; pack default, {plan.FrontierJobs} images end to end, max batch {plan.FrontierBatch}; raw forward at batch {plan.FrontierBatch}; best of {plan.FrontierRepeats} alternating rounds)"),
            "layout", "images / s", "vs 1 session", "ms / forward", "forward vs 1 session");
        for (var i = 0; i < layouts.Length; i++)
        {
            var rate = plan.FrontierJobs / bestRun[i]!.Wall.TotalSeconds;
            var rate0 = plan.FrontierJobs / bestRun[0]!.Wall.TotalSeconds;
            table.AddRow(names[i], F(rate, 2), F(rate / rate0, 2) + "x", F(bestForward[i], 2), F(bestForward[0] / bestForward[i], 2) + "x");
        }

        Console.Write(table);
        Console.WriteLine("Set the faster with InferenceOptions.DenoiserSessions (`--denoiser-sessions N` on the CLI).");
    }
}
