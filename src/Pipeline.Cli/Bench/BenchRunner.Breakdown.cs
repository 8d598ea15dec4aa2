using System.Globalization;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Where one image's time goes at the pack's default settings: the engine loop's own phase clock
/// (<see cref="Engine.EngineLoopTimes"/>, a timestamp around each phase of every iteration) over the best run, divided by
/// its images. The phases run in series on the loop thread, so they add up to the loop's busy time; what the wall has
/// beyond that is time between phases (the loop waiting for work, the callers' side of each job).
/// </summary>
internal sealed partial class BenchRunner
{
    private void PrintBreakdown(EngineRun run)
    {
        var loop = run.Loop;
        var images = run.Jobs;
        var wall = run.Wall;
        var table = NewTable(
            string.Create(CultureInfo.InvariantCulture,
                $"Where one image's time goes at the pack's default ({run.OrderName}, {run.StepsUsed} steps, {_primary.Label}, {images} images, max batch {run.MaxBatch}; " +
                $"{loop.Iterations} loop iterations; measured by the engine loop's phase clock)"),
            "phase", "s (run)", "ms / image", "share of wall");
        void Row(string phase, TimeSpan time) =>
            table.AddRow(Markup.Escape(phase), F(time.TotalSeconds, 3), F(time.TotalMilliseconds / images, 3), F(100 * time / wall, 1) + "%");

        Row("forwards (batched denoiser)", loop.Forward);
        Row("sampling: plan (CPU token work)", loop.Plan);
        Row("sampling: apply logits (CPU token work)", loop.Apply);
        Row("encode (sources; none when generating)", loop.Encode);
        Row("decode (batched VQGAN)", loop.Decode);
        Row("PNG + metadata + completion", loop.Finish);
        Row("admission", loop.Admission);
        Row("between phases (loop idle, queueing)", wall - loop.Busy);
        Row("wall", wall);
        Console.Write(table);
    }
}
