using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Running;
using Pipeline.Contracts;
using Pipeline.Engine;

namespace Pipeline.Cli.Commands;

/// <summary>
/// Every job kind on one pack, with no input needed: generations first, then a few of them serve as the sources of
/// variations and inpaints (the tools cannot download images, and a pack's own outputs are always at hand).
/// Variations and inpaints run as one mixed batch, as a worker would run them.
/// </summary>
internal static class DemoCommand
{
    private static readonly float[] Strengths = [0.25f, 0.5f, 0.75f];

    public static Command Create(CliConsole console)
    {
        var model = new Option<string?>("--model", "-m") { Description = "Model pack name. Default: emoji-32, the embedded pack", HelpName = "NAME" };
        var output = new Option<DirectoryInfo>("--out", "-o")
        {
            Description = "Folder for the images, contact sheets and summary.json",
            DefaultValueFactory = _ => new DirectoryInfo("demo-output"),
            HelpName = "DIR",
        };
        var generations = new Option<int>("--generations") { Description = "Images to generate", DefaultValueFactory = _ => 16, HelpName = "N" };
        var sources = new Option<int>("--sources") { Description = "Generated images reused as sources for variations and inpaints", DefaultValueFactory = _ => 4, HelpName = "N" };
        var seed = new Option<long>("--seed") { Description = "Seed of the first job", DefaultValueFactory = _ => 1, HelpName = "N" };
        var steps = new Option<int?>("--steps") { Description = "Sampling steps. Default from the pack", HelpName = "N" };
        var command = new Command("demo", """
            Run every job kind on the default pack and write what came out: generations, then variations (three
            strengths) and inpaints (centre, left half, border) of a few of them, then canvases larger than the model
            (a wide generation, an outpaint that extends the frame, a stitch of two sources), with contact sheets
            (generations.png, edits.png, canvas.png) and a summary.json of timings.

            Examples:
              pipeline demo
              pipeline demo --out /tmp/demo --generations 32 --steps 32
            """);
        foreach (Option option in (Option[])[model, output, generations, sources, seed, steps])
        {
            command.Options.Add(option);
        }

        generations.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 1 or > 4096) { r.AddError("--generations must be between 1 and 4096"); } });
        sources.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 0) { r.AddError("--sources must be 0 or more"); } });
        command.SetAction((r, ct) => Guard.RunAsync(console, () => RunAsync(console, GlobalOptions.Read(r), r.GetValue(model), r.GetValue(output)!.FullName,
            r.GetValue(generations), r.GetValue(sources), r.GetValue(seed), r.GetValue(steps), ct)));
        return command;
    }

    private static async Task<int> RunAsync(CliConsole console, GlobalSettings global, string? model, string outDirectory, int generationCount,
        int sourceCount, long seed, int? steps, CancellationToken cancellationToken)
    {
        var session = CliSession.Open(global, console);
        await using (session.ConfigureAwait(false))
        {
            var pack = session.ResolvePack(model);
            var engine = session.CreateEngine(maxBatch: 32);
            var runner = new JobRunner(engine, console);
            EngineJob Job(JobKind kind, string id, long jobSeed) => new() { JobId = id, Kind = kind, ModelPack = pack.Name, Seed = jobSeed, Steps = steps };

            var generationJobs = Enumerable.Range(0, generationCount)
                .Select(i => Job(JobKind.Generation, $"generation-{i:D3}", seed + i)).ToList();
            var generated = await runner.RunAsync("generate", generationJobs,
                (_, r) => ResultWriter.Write(Path.Combine(outDirectory, "generation"), r), cancellationToken).ConfigureAwait(false);
            RunReport.ReportFailures(console, generated);

            var sources = generated.Succeeded.Take(sourceCount).ToList();
            var editJobs = new List<EngineJob>();
            foreach (var (source, s) in sources.Select((x, s) => (x, s)))
            {
                editJobs.AddRange(Strengths.Select((strength, v) => Job(JobKind.Variation, $"variation-{s:D2}-{v}", seed + 1000 + (10 * s) + v) with
                {
                    SourceImage = source.Png,
                    Strength = strength,
                }));
                editJobs.AddRange(Masks(pack.Engine.ImageWidth, pack.Engine.ImageHeight).Select((rects, m) =>
                    Job(JobKind.Inpainting, $"inpainting-{s:D2}-{m}", seed + 2000 + (10 * s) + m) with { SourceImage = source.Png, MaskRectangles = rects }));
            }

            var edited = await runner.RunAsync("vary + inpaint", editJobs,
                (_, r) => ResultWriter.Write(Path.Combine(outDirectory, r.Metadata.Kind), r), cancellationToken).ConfigureAwait(false);
            RunReport.ReportFailures(console, edited);

            var canvases = await runner.RunAsync("canvas", CanvasDemo.Jobs(pack, sources, seed + 3000, steps), (_, r) =>
                ResultWriter.Write(Path.Combine(outDirectory, "canvas"), r), cancellationToken).ConfigureAwait(false);
            RunReport.ReportFailures(console, canvases);

            WriteSheets(outDirectory, generated, sources, edited);
            CanvasDemo.WriteSheet(outDirectory, canvases);
            var summary = Summary(pack, session, generated, edited, canvases, sources.Count);
            ResultWriter.WriteAtomically(Path.Combine(outDirectory, "summary.json"), JsonSerializer.SerializeToUtf8Bytes(summary, CliJson.Options));

            var total = generated.Succeeded.Count() + edited.Succeeded.Count() + canvases.Succeeded.Count();
            console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"demo on {pack.Name} {pack.Engine.Version}: {generated.Succeeded.Count()} generations ({Rate(generated):F2} images/s), " +
                $"{edited.Succeeded.Count()} variations + inpaints ({Rate(edited):F2} images/s), {canvases.Succeeded.Count()} canvases; {total} images, contact sheets and summary.json in {outDirectory}"));
            return Math.Max(Math.Max(generated.ExitCode, edited.ExitCode), canvases.ExitCode);
        }
    }

    /// <summary>Centre square, left half, and a border (outpainting), as rectangles in model pixels (the sources are model-sized).</summary>
    private static IEnumerable<MaskRectangle[]> Masks(int width, int height)
    {
        yield return [Rectangle(width / 4, height / 4, width / 2, height / 2)];
        yield return [Rectangle(0, 0, width / 2, height)];
        var bw = Math.Max(1, width / 4);
        var bh = Math.Max(1, height / 4);
        yield return [Rectangle(0, 0, width, bh), Rectangle(0, height - bh, width, bh), Rectangle(0, 0, bw, height), Rectangle(width - bw, 0, bw, height)];
    }

    private static MaskRectangle Rectangle(int x, int y, int width, int height) => new() { X = x, Y = y, Width = width, Height = height };

    /// <summary>generations.png (8 a row) and edits.png: per source, the source, its variations, its inpaints.</summary>
    private static void WriteSheets(string outDirectory, JobRunOutcome generated, List<EngineResult> sources, JobRunOutcome edited)
    {
        var made = generated.Succeeded.Select(r => r.Png).ToList();
        if (made.Count > 0)
        {
            ContactSheets.Write(Path.Combine(outDirectory, "generations.png"), made, Math.Min(8, made.Count));
        }

        if (sources.Count == 0)
        {
            return;
        }

        var perSource = edited.Jobs.Count / sources.Count;
        var cells = new List<byte[]?>();
        for (var s = 0; s < sources.Count; s++)
        {
            cells.Add(sources[s].Png);
            cells.AddRange(Enumerable.Range(s * perSource, perSource).Select(i => edited.Results[i]?.Png));
        }

        ContactSheets.Write(Path.Combine(outDirectory, "edits.png"), cells, perSource + 1);
    }

    private static object Summary(LoadedPack pack, CliSession session, JobRunOutcome generated, JobRunOutcome edited, JobRunOutcome canvases,
        int sources) => new
    {
        pack = pack.Name,
        version = pack.Engine.Version,
        provider = pack.Pack.ActiveProvider.ToString().ToLowerInvariant(),
        createdAt = DateTimeOffset.UtcNow,
        sources,
        phases = new[] { Phase("generation", generated), Phase("variation+inpainting", edited), Phase("canvas", canvases) },
        files = generated.Succeeded.Concat(edited.Succeeded).Select(r => $"{r.Metadata.Kind}/{r.JobId}.png")
            .Concat(canvases.Succeeded.Select(r => $"canvas/{r.JobId}.png")).ToArray(),
        sheets = canvases.Succeeded.Any() ? new[] { "generations.png", "edits.png", "canvas.png" } : new[] { "generations.png", "edits.png" },
        failures = generated.FailedCount + edited.FailedCount + canvases.FailedCount,
        searched = session.SearchDirectories,
    };

    private static object Phase(string name, JobRunOutcome outcome) => new
    {
        name,
        jobs = outcome.Jobs.Count,
        succeeded = outcome.Succeeded.Count(),
        wallSeconds = outcome.Wall.TotalSeconds,
        imagesPerSecond = Rate(outcome),
        meanStepsUsed = outcome.Succeeded.Select(r => (double)r.Metadata.StepsUsed).DefaultIfEmpty().Average(),
        meanForwardPasses = outcome.Succeeded.Select(r => (double)r.Metadata.ForwardPasses).DefaultIfEmpty().Average(),
    };

    private static double Rate(JobRunOutcome outcome) => outcome.Succeeded.Count() / Math.Max(outcome.Wall.TotalSeconds, 1e-9);
}
