using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Engine;
using Pipeline.Engine.Adapters;
using Pipeline.Inference;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Sampling;

namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// The queue benchmark (DESIGN §6: ratios measured side by side in one run): (1) throughput end to end through the Api,
/// RabbitMQ and PostgreSQL against the engine alone on the same jobs, goal ≥ 90 %; (2) interactive latency with a bulk
/// backlog queued against an idle pipeline, goal ≤ 2×. Needs the services of scripts/start-services.sh.
/// </summary>
public static class QueueBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        var jobs = Option(args, "--jobs", 200);
        var steps = Option(args, "--steps", 16);
        var capacity = Option(args, "--capacity", 16);
        var backlog = Option(args, "--backlog", 100);
        var probes = Option(args, "--probes", 8);
        var pack = OptionText(args, "--pack", "tiny-test");
        var models = OptionText(args, "--models", RepoPaths.Fixtures);
        if (ServiceEnvironment.Current.Missing is { } missing)
        {
            await Console.Error.WriteLineAsync($"bench needs RabbitMQ and PostgreSQL ({missing} not set): source scripts/start-services.sh");
            return 1;
        }

        Console.WriteLine($"pack {pack}, {jobs} generation jobs of {steps} steps, engine capacity {capacity}; latency: {probes} interactive jobs, bulk backlog {backlog}");
        var engineSeconds = await EngineAloneAsync(jobs, steps, capacity, pack, models);
        var (pipelineSeconds, idleLatency, busyLatency) = await EndToEndAsync(jobs, steps, capacity, backlog, probes, pack, models);

        var engineRate = jobs / engineSeconds;
        var pipelineRate = jobs / pipelineSeconds;
        Console.WriteLine();
        Console.WriteLine("| measure                                        | value        | goal    |");
        Console.WriteLine("|------------------------------------------------|--------------|---------|");
        Row("engine alone, jobs/s", F(engineRate), "");
        Row("end to end (Api+RabbitMQ+PostgreSQL), jobs/s", F(pipelineRate), "");
        Row("end to end / engine", P(pipelineRate / engineRate), ">= 90 %");
        Row("interactive latency, idle, median ms", F(idleLatency), "");
        Row("interactive latency, bulk backlog, median ms", F(busyLatency), "");
        Row("latency with backlog / idle", F(busyLatency / idleLatency) + "x", "<= 2x");
        return 0;
    }

    private static async Task<double> EngineAloneAsync(int jobs, int steps, int capacity, string pack, string models)
    {
        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions
        {
            SearchDirectories = [models],
            DefaultPackName = pack,
            Inference = new InferenceOptions { Provider = ExecutionProvider.Auto },
        }, NullLogger<ModelPackRegistry>.Instance);
        var manifest = registry.Get(pack).Manifest;
        var engine = new JobEngine(new RegistryPackProvider(registry), new ImagingImageCodec(),
            new EngineOptions { MaxBatch = capacity, StepBudgets = ManifestStepBudgets.From(manifest.Sampling, degradeUnderBacklog: false) },
            TimeProvider.System, NullLogger<JobEngine>.Instance);
        await using (engine)
        {
            // Warm-up: first-run costs (session init, JIT) belong to neither side.
            await engine.RunAsync(new EngineJob { JobId = "warm", Kind = JobKind.Generation, Steps = steps, Seed = 1 });
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, jobs).Select(i => engine.RunAsync(new EngineJob
            {
                JobId = $"engine-{i}",
                Kind = JobKind.Generation,
                Priority = PriorityClass.Bulk,
                Steps = steps,
                Seed = i,
            })));
            return clock.Elapsed.TotalSeconds;
        }
    }

    private static async Task<(double Seconds, double IdleMs, double BusyMs)> EndToEndAsync(int jobs, int steps, int capacity, int backlog,
        int probes, string pack, string models)
    {
        Dictionary<string, string?> Worker(bool degrade) => new()
        {
            ["Pipeline:Worker:Capacity"] = capacity.ToString(CultureInfo.InvariantCulture),
            ["Pipeline:Models:SearchDirectories:0"] = models,
            ["Pipeline:Models:DefaultPack"] = pack,
            ["Pipeline:Models:Provider"] = "Auto",
            ["Pipeline:Models:IntraOpThreads"] = "0",
            ["Pipeline:Models:DegradeUnderBacklog"] = degrade ? "true" : "false",
        };

        double seconds;
        await using (var pipeline = await TestPipeline.StartAsync("bench-throughput"))
        {
            // Same work on both sides: no step degradation while the throughput batch waits in the queue.
            await pipeline.StartWorkerAsync(Worker(degrade: false));
            await RunBatchAsync(pipeline, "warm", 1, steps, "bulk");
            var clock = Stopwatch.StartNew();
            await RunBatchAsync(pipeline, "throughput", jobs, steps, "bulk");
            seconds = clock.Elapsed.TotalSeconds;
        }

        // Latency as deployed: bulk jobs degrade toward their minimum steps while a backlog waits (DESIGN §3).
        await using (var pipeline = await TestPipeline.StartAsync("bench-latency"))
        {
            await pipeline.StartWorkerAsync(Worker(degrade: true));
            await RunBatchAsync(pipeline, "warm", 1, steps, "bulk");
            var idle = await ProbeLatencyAsync(pipeline, "idle", probes, steps);
            var submitted = await SubmitBatchAsync(pipeline, "backlog", backlog, steps, "bulk");
            var busy = await ProbeLatencyAsync(pipeline, "busy", probes, steps);
            await pipeline.Client.WaitForAllAsync(submitted, TimeSpan.FromMinutes(10));
            return (seconds, idle, busy);
        }
    }

    /// <summary>Interactive jobs one after another; the median of (finished − submitted) as the job records say.</summary>
    private static async Task<double> ProbeLatencyAsync(TestPipeline pipeline, string prefix, int probes, int steps)
    {
        var latencies = new List<double>();
        for (var i = 0; i < probes; i++)
        {
            var id = $"{prefix}-probe-{i}";
            await pipeline.Client.SubmitAsync(TestJobs.Generation(id, "interactive", steps));
            var job = (await pipeline.Client.WaitForAllAsync([id], TimeSpan.FromMinutes(5)))[id];
            latencies.Add((job["finishedAt"]!.GetValue<DateTimeOffset>() - job["submittedAt"]!.GetValue<DateTimeOffset>()).TotalMilliseconds);
        }

        latencies.Sort();
        return latencies[latencies.Count / 2];
    }

    private static async Task RunBatchAsync(TestPipeline pipeline, string prefix, int count, int steps, string priority) =>
        await pipeline.Client.WaitForAllAsync(await SubmitBatchAsync(pipeline, prefix, count, steps, priority), TimeSpan.FromMinutes(20));

    private static async Task<List<string>> SubmitBatchAsync(TestPipeline pipeline, string prefix, int count, int steps, string priority)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D5}").ToList();
        foreach (var chunk in ids.Chunk(1000))
        {
            using var response = await pipeline.Client.Http.PostAsJsonAsync(new Uri("/v1/batches", UriKind.Relative), new
            {
                batchId = $"{prefix}-{chunk[0]}",
                jobs = chunk.Select(id => new { jobId = id, kind = "generation", priority, steps }),
            });
            response.EnsureSuccessStatusCode();
        }

        return ids;
    }

    private static void Row(string name, string value, string goal) => Console.WriteLine($"| {name,-46} | {value,12} | {goal,-7} |");

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string P(double ratio) => (100 * ratio).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string OptionText(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
