using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// Telemetry overhead (goal ≤ 2 %): the engine's throughput on the same jobs with telemetry off (no meter factory, no
/// listener on the Pipeline source) and on (its metrics on a meter factory that an OpenTelemetry MeterProvider collects
/// every second into an in-memory exporter, and a TracerProvider recording every job's spans with their step events).
/// The two sides alternate, in turn going first, round after round; the best round of each decides, for wall-clock
/// throughput and for this process's CPU time per image (which a neighbour's load on a shared machine disturbs far less
/// than wall time). No services needed.
/// </summary>
public static class TelemetryBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = Option(args, "--jobs", 64);
        var steps = Option(args, "--steps", 16);
        var capacity = Option(args, "--capacity", 16);
        var rounds = Option(args, "--rounds", 9);
        var pack = OptionText(args, "--pack", "emoji-32");
        var models = OptionText(args, "--models", Path.Combine(RepoPaths.Root, "models"));
        Console.WriteLine($"pack {pack}, {jobs} generation jobs of {steps} steps per round, engine capacity {capacity}, {rounds} alternating rounds");

        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions
        {
            SearchDirectories = [models],
            DefaultPackName = pack,
            // Idle ONNX Runtime threads would spin and bill CPU time that no work used (the worker's default too).
            Inference = new InferenceOptions { Provider = ExecutionProvider.Auto, AllowSpinning = false },
        }, NullLogger<ModelPackRegistry>.Instance);
        var options = new EngineOptions { MaxBatch = capacity, DegradeUnderBacklog = false };
        var off = new List<Side>();
        var on = new List<Side>();
        for (var round = 1; round <= rounds; round++)
        {
            // Whoever runs first in a round meets a slightly different machine (caches, a neighbour's build): take turns.
            var offFirst = round % 2 == 1;
            var (a, b) = offFirst
                ? (await OffAsync(registry, options, jobs, steps), await OnAsync(registry, options, jobs, steps))
                : (await OnAsync(registry, options, jobs, steps), await OffAsync(registry, options, jobs, steps));
            var (offSide, onSide) = offFirst ? (a, b) : (b, a);
            off.Add(offSide);
            on.Add(onSide);
            Console.WriteLine($"round {round} ({(offFirst ? "off first" : "on first")}): off {F(offSide.ImagesPerSecond)} images/s, " +
                $"{F(offSide.CpuMsPerImage)} CPU ms/image; on {F(onSide.ImagesPerSecond)} images/s, {F(onSide.CpuMsPerImage)} CPU ms/image");
        }

        var (bestOff, bestOn) = (off.Max(s => s.ImagesPerSecond), on.Max(s => s.ImagesPerSecond));
        var (leastOff, leastOn) = (off.Min(s => s.CpuMsPerImage), on.Min(s => s.CpuMsPerImage));
        Console.WriteLine();
        Console.WriteLine("| best of rounds            | telemetry off | telemetry on | on vs off |");
        Console.WriteLine("|---------------------------|--------------:|-------------:|----------:|");
        Console.WriteLine($"| throughput, images/s      | {F(bestOff),13} | {F(bestOn),12} | {P(bestOn / bestOff),9} |");
        Console.WriteLine($"| CPU time per image, ms    | {F(leastOff),13} | {F(leastOn),12} | {P(leastOn / leastOff),9} |");
        Console.WriteLine($"overhead: throughput {P(1 - bestOn / bestOff)}, CPU per image {P(leastOn / leastOff - 1)} (goal <= 2 %); " +
            "on = metrics collected every 1 s by an OpenTelemetry reader, every job's spans recorded with their step events");
        return 0;
    }

    /// <summary>One side of a round: wall-clock throughput and this process's CPU time per image.</summary>
    private readonly record struct Side(double ImagesPerSecond, double CpuMsPerImage);

    private static async Task<Side> OffAsync(ModelPackRegistry registry, EngineOptions options, int jobs, int steps)
    {
        var engine = EngineFactory.Create(registry, options, TimeProvider.System, NullLoggerFactory.Instance);
        await using (engine)
        {
            return await MeasureAsync(engine, jobs, steps);
        }
    }

    private static async Task<Side> OnAsync(ModelPackRegistry registry, EngineOptions options, int jobs, int steps)
    {
        var metrics = new LockedCollection<Metric>();
        var spans = new LockedCollection<Activity>();
        using var meters = new TestMeterFactory();
        using var meterProvider = Sdk.CreateMeterProviderBuilder()
            .AddMeter(PipelineTelemetry.MeterName)
            .AddInMemoryExporter(metrics, reader => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = 1000)
            .Build();
        using var tracerProvider = Sdk.CreateTracerProviderBuilder().AddSource(PipelineTelemetry.ActivitySourceName).AddInMemoryExporter(spans).Build();
        var engine = EngineFactory.Create(registry, options, TimeProvider.System, NullLoggerFactory.Instance, meters);
        await using (engine)
        {
            var rate = await MeasureAsync(engine, jobs, steps);
            if (spans.Count == 0 || !meterProvider.ForceFlush())
            {
                throw new InvalidOperationException("telemetry was on but collected nothing: the comparison would be void");
            }

            return rate;
        }
    }

    /// <summary>Images per second and CPU ms per image over <paramref name="jobs"/> jobs, after a warm-up of one full batch.</summary>
    private static async Task<Side> MeasureAsync(JobEngine engine, int jobs, int steps)
    {
        Task RunAsync(string prefix, int count) => Task.WhenAll(Enumerable.Range(0, count).Select(i => engine.RunAsync(new EngineJob
        {
            JobId = $"{prefix}-{i}",
            Kind = JobKind.Generation,
            Priority = PriorityClass.Bulk,
            Steps = steps,
            Seed = i,
        })));

        await RunAsync("warm", engine.Capacity);
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        await RunAsync("bench", jobs);
        var wall = clock.Elapsed;
        process.Refresh();
        return new Side(jobs / wall.TotalSeconds, (process.TotalProcessorTime - cpu).TotalMilliseconds / jobs);
    }

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string P(double ratio) => (100 * ratio).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string OptionText(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
