using Pipeline.Cli.Running;
using Pipeline.Contracts;
using Pipeline.Engine;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The demo's canvas phase (docs/canvas.md): two generations three times the model's width, an outpaint that adds half
/// the model's width on each side of a source, and a stitch of two sources with a join of half the model's width. They run
/// as one batch, their window rows sharing forwards.
/// </summary>
internal static class CanvasDemo
{
    public static List<EngineJob> Jobs(LoadedPack pack, IReadOnlyList<EngineResult> sources, long seed, int? steps)
    {
        var (w, h) = (pack.Engine.ImageWidth, pack.Engine.ImageHeight);
        EngineJob Job(JobKind kind, string id, long jobSeed) => new()
        {
            JobId = id, Kind = kind, ModelPack = pack.Name, Seed = jobSeed, Steps = steps, Order = UnmaskOrder.ExactK,
        };

        var jobs = new List<EngineJob>
        {
            Job(JobKind.Generation, "wide-0", seed) with { CanvasWidth = 3 * w, CanvasHeight = h },
            Job(JobKind.Generation, "wide-1", seed + 1) with { CanvasWidth = 3 * w, CanvasHeight = h },
        };
        if (sources.Count >= 1)
        {
            jobs.Add(Job(JobKind.Outpainting, "outpaint-0", seed + 2) with
            {
                SourceImage = sources[0].Png,
                Extend = new CanvasExtend { Left = w / 2, Right = w / 2 },
            });
        }

        if (sources.Count >= 2)
        {
            jobs.Add(Job(JobKind.Stitching, "stitch-0", seed + 3) with
            {
                SourceImage = sources[0].Png,
                SecondImage = sources[1].Png,
                JoinPixels = w / 2,
            });
        }

        return jobs;
    }

    /// <summary>canvas.png: one canvas a row, each enlarged 4× (nearest neighbour), centred in cells as wide as the widest.</summary>
    public static void WriteSheet(string outDirectory, JobRunOutcome canvases)
    {
        var made = canvases.Succeeded.Select(r => r.Png).ToList();
        if (made.Count > 0)
        {
            var first = canvases.Succeeded.First().Metadata;
            ContactSheets.Write(Path.Combine(outDirectory, "canvas.png"), made, 1, minimumCell: 4 * Math.Max(first.ImageWidth, first.ImageHeight));
        }
    }
}
