using System.Globalization;
using Microsoft.Extensions.Logging;
using Pipeline.Inference;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Decode in series vs overlapped with the next forward (<see cref="Engine.EngineOptions.OverlapDecode"/>), and the
/// decoder's thread layout while it overlaps (<see cref="InferenceOptions.DecoderIntraOpThreads"/>,
/// <see cref="InferenceOptions.DecoderAllowSpinning"/>, <see cref="InferenceOptions.AllowSpinning"/>): every layout at
/// the pack's default end to end, taking turns round by round, each keeping its fastest run.
/// </summary>
internal sealed partial class BenchRunner
{
    /// <summary>One row of the table: the engine's decode mode and the session threading the pack is loaded with.</summary>
    private sealed record OverlapLayout(string Name, bool Overlap, int DecoderThreads, bool? DecoderSpinning, bool? Spinning);

    private async Task OverlapTableAsync(CancellationToken cancellationToken)
    {
        if (pack.Pack.ActiveProvider != ExecutionProvider.Cpu)
        {
            Console.WriteLine("Decode overlap table skipped: it compares CPU thread layouts, and the pack runs on " + pack.Pack.ActiveProvider + ".");
            return;
        }

        var threads = session.Settings.Threads;
        OverlapLayout[] layouts =
        [
            // The defaults (CLI and worker alike): in series, the decoder on the sessions' threads, no pool spinning.
            new("in series, no pool spinning (the default)", false, threads, null, null),
            // ONNX Runtime's own default: every pool spins while idle.
            new("in series, pools spinning", false, threads, null, true),
            new("overlapped, decoder on all threads", true, threads, null, null),
            new("overlapped, decoder 1 thread", true, 1, null, null),
            new("overlapped, decoder 1 thread, pools spinning", true, 1, null, true),
        ];
        var inference = session.Settings.Inference;
        var packs = new List<ModelPack>();
        try
        {
            var variants = new Variant[layouts.Length];
            for (var i = 0; i < layouts.Length; i++)
            {
                status($"loading the pack for: {layouts[i].Name}");
                var options = inference with
                {
                    DecoderIntraOpThreads = layouts[i].DecoderThreads,
                    DecoderAllowSpinning = layouts[i].DecoderSpinning,
                    AllowSpinning = layouts[i].Spinning ?? inference.AllowSpinning,
                };
                var loaded = ModelPack.Load(pack.Pack.Directory, options, session.Loggers.CreateLogger<ModelPack>());
                packs.Add(loaded);
                variants[i] = new Variant(loaded, session.Packs.Map(loaded), plan.FrontierBatch);
            }

            // One round more than the frontier's points get (none more for the one-round quick and paper plans): the rows differ by less.
            var rounds = plan.FrontierRepeats == 1 ? 1 : plan.FrontierRepeats + 1;
            var best = new EngineRun?[layouts.Length];
            for (var round = 1; round <= rounds; round++)
            {
                for (var i = 0; i < layouts.Length; i++)
                {
                    status($"decode overlap: {layouts[i].Name} (round {round} of {rounds})");
                    var run = await RunEngineAsync(variants[i], plan.FrontierJobs, steps: null, plan.FrontierBatch, order: null, repeats: 1, cancellationToken,
                        layouts[i].Overlap).ConfigureAwait(false);
                    best[i] = best[i] is { } b && b.Wall <= run.Wall ? b : run;
                }
            }

            PrintOverlapTable(layouts, best!, rounds);
        }
        finally
        {
            packs.ForEach(p => p.Dispose());
        }
    }

    private void PrintOverlapTable(OverlapLayout[] layouts, EngineRun?[] best, int rounds)
    {
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture,
                $"Decode in series vs overlapped with the next forward, and the decoder's threads ({_primary.Label} denoiser; pack default, {plan.FrontierJobs} images end to end, max batch {plan.FrontierBatch}; best of {rounds} alternating rounds)"),
            "layout", "images / s", "vs the default", "decode ms / image", "loop waited ms / image");
        var serial = plan.FrontierJobs / best[0]!.Wall.TotalSeconds;
        for (var i = 0; i < layouts.Length; i++)
        {
            var run = best[i]!;
            var rate = plan.FrontierJobs / run.Wall.TotalSeconds;
            var decode = run.Loop.Decode + run.Loop.DecodeOverlapped;
            table.AddRow(Markup.Escape(layouts[i].Name), F(rate, 2), F(rate / serial, 2) + "x", F(decode.TotalMilliseconds / run.Jobs, 3),
                layouts[i].Overlap ? F(run.Loop.FinisherWait.TotalMilliseconds / run.Jobs, 3) : "-");
        }

        Console.Write(table);
        Console.WriteLine("decode ms / image = the batched VQGAN decode's time wherever it ran (on the loop in series; on the finisher, beside the "
            + "forwards, overlapped); loop waited = the loop handing finished jobs over, waiting when the finisher held its most batches. "
            + "Set with Pipeline:Engine:OverlapDecode and Pipeline:Models:DecoderIntraOpThreads / DecoderAllowSpinning / AllowSpinning "
            + "(InferenceOptions on the CLI's side).");
    }
}
