using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Worker.Hosting;

namespace Pipeline.IntegrationTests.Bench;

/// <summary>
/// The queue benchmark (docs/architecture.md §6: ratios measured side by side in one run): (1) throughput end to end through the Api,
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
        var rounds = Option(args, "--rounds", 3);
        var backlog = Option(args, "--backlog", 100);
        var probes = Option(args, "--probes", 8);
        var pack = OptionText(args, "--pack", "tiny-test");
        var models = OptionText(args, "--models", RepoPaths.Fixtures);
        if (ServiceEnvironment.Current.Missing is { } missing)
        {
            await Console.Error.WriteLineAsync($"bench needs RabbitMQ and PostgreSQL ({missing} not set): source scripts/start-services.sh");
            return 1;
        }

        Console.WriteLine($"pack {pack}, {jobs} generation jobs of {steps} steps, engine capacity {capacity}, {rounds} alternating rounds; " +
            $"latency: {probes} interactive jobs, bulk backlog {backlog}");
        var settings = new Settings(jobs, steps, capacity, pack, models);

        // Engine alone and end to end alternate, round after round, so a neighbour's load on a shared machine falls on
        // both sides alike; the ratio of each round is reported and the median decides.
        var results = new List<(Phase Engine, Phase EndToEnd)>();
        for (var round = 1; round <= rounds; round++)
        {
            var engine = await EngineAloneAsync(settings);
            var endToEnd = await EndToEndThroughputAsync(settings, round);
            results.Add((engine, endToEnd));
            Console.WriteLine($"round {round}: engine {F(engine.JobsPerSecond)} jobs/s ({F(engine.Occupancy)} slots busy, {F(engine.CpuMsPerJob)} CPU ms/job), " +
                $"end to end {F(endToEnd.JobsPerSecond)} jobs/s ({F(endToEnd.Occupancy)} slots busy, {F(endToEnd.CpuMsPerJob)} CPU ms/job) = {P(endToEnd.JobsPerSecond / engine.JobsPerSecond)}");
        }

        var (idleLatency, busyLatency) = await LatencyAsync(settings, backlog, probes);
        var median = results.OrderBy(r => r.EndToEnd.JobsPerSecond / r.Engine.JobsPerSecond).ElementAt(results.Count / 2);
        Console.WriteLine();
        Console.WriteLine("| measure (median round)                         | value        | goal    |");
        Console.WriteLine("|------------------------------------------------|--------------|---------|");
        Row("engine alone, jobs/s", F(median.Engine.JobsPerSecond), "");
        Row("end to end (Api+RabbitMQ+PostgreSQL), jobs/s", F(median.EndToEnd.JobsPerSecond), "");
        Row("end to end / engine", P(median.EndToEnd.JobsPerSecond / median.Engine.JobsPerSecond), ">= 90 %");
        Row("CPU per job, end to end / engine", F(median.EndToEnd.CpuMsPerJob / median.Engine.CpuMsPerJob) + "x", "");
        Row("interactive latency, idle, median ms", F(idleLatency), "");
        Row("interactive latency, bulk backlog, median ms", F(busyLatency), "");
        Row("latency with backlog / idle", F(busyLatency / idleLatency) + "x", "<= 2x");
        Console.WriteLine("CPU = this process (Api, worker, engine, client) + every postgres and beam.smp process, over the timed part.");
        return 0;
    }

    private static async Task<Phase> EngineAloneAsync(Settings settings)
    {
        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions
        {
            SearchDirectories = [settings.Models],
            DefaultPackName = settings.Pack,
            Inference = new InferenceOptions { Provider = ExecutionProvider.Auto },
        }, NullLogger<ModelPackRegistry>.Instance);
        var engine = EngineFactory.Create(registry, new EngineOptions { MaxBatch = settings.Capacity, DegradeUnderBacklog = false },
            TimeProvider.System, NullLoggerFactory.Instance);
        await using (engine)
        {
            Task RunAsync(string prefix, int count) => Task.WhenAll(Enumerable.Range(0, count).Select(i => engine.RunAsync(new EngineJob
            {
                JobId = $"{prefix}-{i}",
                Kind = JobKind.Generation,
                Priority = PriorityClass.Bulk,
                Steps = settings.Steps,
                Seed = i,
            })));

            // Warm-up as on the other side: first-run costs (sessions, JIT tiers) belong to neither.
            await RunAsync("warm", settings.WarmUpJobs);
            return await MeasureAsync(engine, settings.Jobs, () => RunAsync("engine", settings.Jobs));
        }
    }

    private static async Task<Phase> EndToEndThroughputAsync(Settings settings, int round)
    {
        await using var pipeline = await TestPipeline.StartAsync($"bench-throughput-{round}");
        // Same work as the engine alone: no step degradation while the batch waits in the queue.
        var worker = await pipeline.StartWorkerAsync(settings.Worker(degrade: false));
        await RunBatchAsync(pipeline, "warm", settings.WarmUpJobs, settings.Steps, "bulk");
        var engine = worker.Services.GetRequiredService<IJobEngine>();
        return await MeasureAsync(engine, settings.Jobs, () => RunBatchAsync(pipeline, "throughput", settings.Jobs, settings.Steps, "bulk"));
    }

    /// <summary>Wall time, mean busy engine slots and CPU time of <paramref name="run"/>.</summary>
    private static async Task<Phase> MeasureAsync(IJobEngine engine, int jobs, Func<Task> run)
    {
        using var stopSampling = new CancellationTokenSource();
        var occupancy = SampleOccupancyAsync(engine, stopSampling.Token);
        var cpuBefore = CpuTime.Now();
        var clock = Stopwatch.StartNew();
        await run();
        var wall = clock.Elapsed;
        var cpu = CpuTime.Now() - cpuBefore;
        await stopSampling.CancelAsync();
        return new Phase(jobs / wall.TotalSeconds, await occupancy, cpu.TotalMilliseconds / jobs);
    }

    private static async Task<(double IdleMs, double BusyMs)> LatencyAsync(Settings settings, int backlog, int probes)
    {
        // Latency as deployed: bulk jobs degrade toward their minimum steps while a backlog waits (docs/architecture.md §4).
        await using var pipeline = await TestPipeline.StartAsync("bench-latency");
        await pipeline.StartWorkerAsync(settings.Worker(degrade: true));
        await RunBatchAsync(pipeline, "warm", settings.WarmUpJobs, settings.Steps, "bulk");
        var idle = await ProbeLatencyAsync(pipeline, "idle", probes, settings.Steps);
        var (submitted, _) = await SubmitBatchesAsync(pipeline, "backlog", backlog, settings.Steps, "bulk");
        var busy = await ProbeLatencyAsync(pipeline, "busy", probes, settings.Steps);
        await pipeline.Client.WaitForAllAsync(submitted, TimeSpan.FromMinutes(10));
        return (idle, busy);
    }

    private static async Task<double> SampleOccupancyAsync(IJobEngine engine, CancellationToken cancellationToken)
    {
        var (sum, count) = (0.0, 0);
        try
        {
            while (true)
            {
                await Task.Delay(20, cancellationToken);
                sum += engine.Capacity - engine.FreeSlots;
                count++;
            }
        }
        catch (OperationCanceledException)
        {
            return count == 0 ? 0 : sum / count;
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

    /// <summary>
    /// Submits the jobs as batches and waits on the batch status (one request per poll: polling every job would add
    /// the observer's own load to the pipeline being measured); every job must succeed.
    /// </summary>
    /// <summary>
    /// Submits the jobs as batches and waits on the batch status (one request per poll: polling every job would add
    /// the observer's own load to the pipeline being measured); every job must succeed.
    /// </summary>
    private static async Task RunBatchAsync(TestPipeline pipeline, string prefix, int count, int steps, string priority)
    {
        var (_, batchIds) = await SubmitBatchesAsync(pipeline, prefix, count, steps, priority);
        foreach (var batchId in batchIds)
        {
            var batch = await Poll.UntilAsync(async () =>
            {
                using var response = await pipeline.Client.Http.GetAsync(new Uri($"/v1/batches/{batchId}", UriKind.Relative));
                var view = await PipelineClient.ReadObjectAsync(response);
                return view["status"]?.GetValue<string>() == "completed" ? view : null;
            }, TimeSpan.FromMinutes(20), () => $"batch {batchId} not completed");
            var succeeded = batch["counts"]!["succeeded"]!.GetValue<int>();
            var expected = batch["expectedJobs"]!.GetValue<int>();
            if (succeeded != expected)
            {
                throw new InvalidOperationException($"batch {batchId}: {succeeded} of {expected} jobs succeeded: {batch.ToJsonString()}");
            }
        }
    }

    private static async Task<(List<string> JobIds, List<string> BatchIds)> SubmitBatchesAsync(TestPipeline pipeline, string prefix, int count,
        int steps, string priority)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D5}").ToList();
        var batchIds = new List<string>();
        foreach (var chunk in ids.Chunk(1000))
        {
            var batchId = $"{prefix}-{chunk[0]}";
            using var response = await pipeline.Client.Http.PostAsJsonAsync(new Uri("/v1/batches", UriKind.Relative), new
            {
                batchId,
                jobs = chunk.Select(id => new { jobId = id, kind = "generation", priority, steps }),
            });
            response.EnsureSuccessStatusCode();
            batchIds.Add(batchId);
        }

        return (ids, batchIds);
    }

    private sealed record Phase(double JobsPerSecond, double Occupancy, double CpuMsPerJob);

    private sealed record Settings(int Jobs, int Steps, int Capacity, string Pack, string Models)
    {
        private static readonly WorkerOptions Shipped = new();

        /// <summary>
        /// Four engines full of jobs first: a worker runs for hours, so the steady state is what counts, and a profile of
        /// the first seconds after start-up showed 9% of the CPU in the JIT's tier-1 recompiles of the hosts' code.
        /// </summary>
        public int WarmUpJobs => 4 * Capacity;

        public Dictionary<string, string?> Worker(bool degrade) => new()
        {
            ["Pipeline:Worker:Capacity"] = Capacity.ToString(CultureInfo.InvariantCulture),
            ["Pipeline:Models:SearchDirectories:0"] = Models,
            ["Pipeline:Models:DefaultPack"] = Pack,
            ["Pipeline:Models:Provider"] = "Auto",
            ["Pipeline:Models:IntraOpThreads"] = "0",
            ["Pipeline:Models:DegradeUnderBacklog"] = degrade ? "true" : "false",
            // The shipped defaults, not the integration tests' faster ones: the bench measures the worker as deployed.
            ["Pipeline:Worker:ProgressInterval"] = Shipped.ProgressInterval.ToString("c", CultureInfo.InvariantCulture),
            ["Pipeline:Worker:BacklogPollInterval"] = Shipped.BacklogPollInterval.ToString("c", CultureInfo.InvariantCulture),
        };
    }

    private static void Row(string name, string value, string goal) => Console.WriteLine($"| {name,-46} | {value,12} | {goal,-7} |");

    private static string F(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);

    private static string P(double ratio) => (100 * ratio).ToString("0.0", CultureInfo.InvariantCulture) + " %";

    private static int Option(string[] args, string name, int fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;

    private static string OptionText(string[] args, string name, string fallback) =>
        Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
