using System.Globalization;
using Spectre.Console;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Where one image's time goes at the pack's default settings: the engine loop's own phase clock
/// (<see cref="Engine.EngineLoopTimes"/>, a timestamp around each phase of every iteration) over the best run, divided by
/// its images. The loop thread's phases run in series, so they add up to the loop's busy time; what the wall has beyond
/// that is time between phases (the loop waiting for work, the callers' side of each job). With the decode overlapped
/// (<see cref="Engine.EngineOptions.OverlapDecode"/>) the decode and PNG rows are the finisher thread's, concurrent with the
/// loop and outside its busy time; the loop's cost of them is the "waited for the finisher" row.
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
                $"Where one image's time goes at the pack's default ({run.OrderName}, {run.StepsUsed} steps, {_primary.Label}, {images} images, max batch {run.MaxBatch}, decode {(run.OverlapDecode ? "overlapped" : "in series")}; " +
                $"{loop.Iterations} loop iterations; measured by the engine loop's phase clock)"),
            "phase", "s (run)", "ms / image", "share of wall");
        void Row(string phase, TimeSpan time) =>
            table.AddRow(Markup.Escape(phase), F(time.TotalSeconds, 3), F(time.TotalMilliseconds / images, 3), F(100 * time / wall, 1) + "%");

        Row("forwards (batched denoiser)", loop.Forward);
        Row("sampling: plan (CPU token work)", loop.Plan);
        Row("sampling: apply logits (CPU token work)", loop.Apply);
        Row("encode (sources; none when generating)", loop.Encode);
        if (run.OverlapDecode)
        {
            Row("decode (batched VQGAN), on the finisher, overlapped", loop.DecodeOverlapped);
            Row("PNG + metadata + completion, on the finisher, overlapped", loop.FinishOverlapped);
            Row("loop handing over to / waiting for the finisher", loop.FinisherWait);
        }
        else
        {
            Row("decode (batched VQGAN)", loop.Decode);
            Row("PNG + metadata + completion", loop.Finish);
        }

        Row("admission", loop.Admission);
        Row("between loop phases (loop idle, queueing)", wall - loop.Busy);
        Row("wall", wall);
        Console.Write(table);
    }
}
