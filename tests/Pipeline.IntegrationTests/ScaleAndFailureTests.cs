using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Pipeline.Contracts;
using Pipeline.IntegrationTests.Infrastructure;

namespace Pipeline.IntegrationTests;

/// <summary>Many jobs, several workers, and the faults a deployment meets: a killed worker, a broker restart, a database outage.</summary>
[Collection(RealServices.Name)]
public sealed class ScaleAndFailureTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(4);

    [ServiceFact]
    public async Task MixedJobs_TwoWorkerProcesses_EverySucceedsOnceAndResultsMatchRecords()
    {
        await using var pipeline = await TestPipeline.StartAsync("mixed");
        var workers = await Task.WhenAll(pipeline.StartWorkerProcessAsync("worker-a"), pipeline.StartWorkerProcessAsync("worker-b"));
        var ids = await SubmitMixedAsync(pipeline, "mixed", 200);

        var jobs = await pipeline.Client.WaitForAllAsync(ids, Deadline);

        Assert.All(jobs.Values, job => Assert.Equal("succeeded", Status(job)));
        Assert.All(jobs.Values, job => Assert.Equal(1, job["attempts"]!.GetValue<int>()));
        await AssertResultsMatchRecordsAsync(pipeline, jobs);
        Assert.All(workers, w => Assert.False(w.HasExited));
    }

    [ServiceFact]
    public async Task WorkerKilled_MidBatch_ItsJobsRedeliveredAndFinishedOnTheOther()
    {
        await using var pipeline = await TestPipeline.StartAsync("sigkill");
        var tap = await EventTap.StartAsync(pipeline, nameof(JobAccepted), nameof(JobCompleted));
        // A short lease: the survivor takes the victim's jobs over 3 s after the kill.
        var slow = new Dictionary<string, string?>
        {
            ["Pipeline:Worker:Capacity"] = "4", ["Pipeline:Worker:LeaseDuration"] = "00:00:03", ["Logging:LogLevel:Pipeline"] = "Information",
        };
        var ids = await SubmitQueuedAsync(pipeline, "kill", 120);

        // The victim alone first, killed while it holds running jobs with more queued.
        var victim = await pipeline.StartWorkerProcessAsync("victim", slow);
        var beforeKill = await WaitUntilMidRunAsync(pipeline, succeeded: 2, "the kill");
        victim.Kill();
        var atKill = await CountByStatusAsync(pipeline);
        Assert.True(atKill.GetValueOrDefault("running") >= 1,
            $"the victim held no running job when killed: {Describe(atKill)} (just before: {Describe(beforeKill)})");
        var survivor = await pipeline.StartWorkerProcessAsync("survivor", slow);

        var jobs = await pipeline.Client.WaitForAllAsync(ids, Deadline);

        Assert.All(jobs.Values, job => Assert.Equal("succeeded", Status(job)));
        var attempts = jobs.Values.GroupBy(job => job["attempts"]!.GetValue<int>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(attempts.Keys.Any(a => a >= 2),
            $"no job was redelivered; attempts: {string.Join(", ", attempts.Select(a => $"{a.Key}x{a.Value}"))}; at the kill {Describe(atKill)}; victim log {victim.LogPath}");
        await AssertResultsMatchRecordsAsync(pipeline, jobs);
        Assert.False(survivor.HasExited);

        // Computed once: only the jobs the victim held when it died ran a second time (capacity 4 + 1 in flight at most),
        // and every start was announced. Announced once: the success and its JobCompleted outbox row commit together and the
        // row is published once (docs/architecture.md §5), under a message id derived from the job — except a row the victim
        // was publishing when killed (the broker had it, the "sent" commit had not happened): the next sweep publishes it
        // again under the same id. So each job's JobCompleted messages carry one message id — what a consumer deduplicating by
        // it acts on once — and the raw copies beyond one are at most the victim's dispatchers in flight (5 consumers and its
        // sweep). The outbox is drained first, so every JobCompleted there is to see has been published.
        await Poll.UntilAsync(async () => await pipeline.QueueDepthAsync(PipelineEndpoints.JobQueue) == 0, Deadline, () => "every copy handled");
        await Poll.UntilAsync(async () => await PendingEventsAsync(pipeline) == 0, Deadline, () => "the outbox drained");
        var extraStarts = jobs.Values.Sum(job => job["attempts"]!.GetValue<int>() - 1);
        Assert.InRange(extraStarts, 1, 5);
        var accepted = await tap.CountAsync(nameof(JobAccepted));
        IReadOnlyDictionary<string, int> completed = new Dictionary<string, int>();
        await Poll.UntilAsync(async () => (completed = await tap.CountAsync(nameof(JobCompleted))).Count == ids.Count, Deadline,
            () => $"JobCompleted of every job seen ({completed.Count} of {ids.Count})");
        var messageIds = await tap.CountMessageIdsAsync(nameof(JobCompleted));
        Assert.All(ids, id => Assert.Equal(1, messageIds.GetValueOrDefault(id)));
        Assert.InRange(ids.Sum(id => completed.GetValueOrDefault(id) - 1), 0, 6);
        Assert.All(ids, id => Assert.InRange(accepted.GetValueOrDefault(id), 1, jobs[id]["attempts"]!.GetValue<int>()));
    }

    [LocalBrokerFact]
    public async Task RabbitMqRestarted_MidRun_NoJobLost()
    {
        await using var pipeline = await TestPipeline.StartAsync("broker-restart");
        var ids = await SubmitQueuedAsync(pipeline, "restart", 40);
        await pipeline.StartWorkerAsync(new Dictionary<string, string?> { ["Pipeline:Worker:Capacity"] = "2" });

        await WaitUntilMidRunAsync(pipeline, succeeded: 4, "the restart");
        await RabbitCtlAsync("stop_app");
        await RabbitCtlAsync("start_app");
        await RabbitCtlAsync("await_startup");

        var jobs = await pipeline.Client.WaitForAllAsync(ids, Deadline);

        Assert.All(jobs.Values, job => Assert.Equal("succeeded", Status(job)));
        await AssertResultsMatchRecordsAsync(pipeline, jobs);
    }

    [ServiceFact]
    public async Task PostgresUnreachable_ForSeconds_RetriedAndNoJobLost()
    {
        await using var pipeline = await TestPipeline.StartAsync("pg-outage");
        var target = new NpgsqlConnectionStringBuilder(pipeline.PostgresConnectionString);
        await using var proxy = new TcpProxy(target.Host!, target.Port);
        var throughProxy = new NpgsqlConnectionStringBuilder(pipeline.PostgresConnectionString)
        {
            Host = "127.0.0.1",
            Port = proxy.Port,
            Timeout = 3,
            Pooling = true,
        }.ConnectionString;
        var ids = await SubmitQueuedAsync(pipeline, "pg", 40);
        await pipeline.StartWorkerAsync(new Dictionary<string, string?> { ["Pipeline:Worker:Capacity"] = "2" }, postgres: throughProxy);

        await WaitUntilMidRunAsync(pipeline, succeeded: 4, "the outage");
        proxy.Cut();
        var outage = Stopwatch.StartNew();
        await Poll.UntilAsync(() => Task.FromResult(outage.Elapsed >= TimeSpan.FromSeconds(4)), TimeSpan.FromSeconds(10), () => "4 s of outage");
        proxy.Restore();

        var jobs = await pipeline.Client.WaitForAllAsync(ids, Deadline);

        Assert.All(jobs.Values, job => Assert.Equal("succeeded", Status(job)));
        await AssertResultsMatchRecordsAsync(pipeline, jobs);
    }

    [ServiceFact]
    public async Task InteractiveJob_WithBulkBacklogQueued_FinishesBeforeMostOfIt()
    {
        await using var pipeline = await TestPipeline.StartAsync("priority");
        var backlog = Enumerable.Range(0, 60).Select(i => $"bulk-{i:D3}").ToList();
        foreach (var id in backlog)
        {
            await pipeline.Client.SubmitAsync(TestJobs.Generation(id, "bulk", steps: 32));
        }

        await pipeline.Client.SubmitAsync(TestJobs.Generation("urgent", "interactive", steps: 32));
        await Poll.UntilAsync(async () => await pipeline.QueueDepthAsync("pipeline-jobs") >= 61, TimeSpan.FromSeconds(30), () => "61 jobs queued");
        await pipeline.StartWorkerAsync(new Dictionary<string, string?> { ["Pipeline:Worker:Capacity"] = "2" });

        var jobs = await pipeline.Client.WaitForAllAsync([.. backlog, "urgent"], Deadline);

        var urgentDone = jobs["urgent"]["finishedAt"]!.GetValue<DateTimeOffset>();
        var bulkBefore = backlog.Count(id => jobs[id]["finishedAt"]!.GetValue<DateTimeOffset>() < urgentDone);
        Assert.True(bulkBefore < backlog.Count / 4, $"{bulkBefore} of {backlog.Count} bulk jobs finished before the interactive one");
    }

    /// <summary>
    /// Queues <paramref name="count"/> jobs before any worker runs, so the faults below hit workers that hold
    /// unacknowledged jobs with more waiting (submitting while workers run lets them keep pace and sit idle). Interactive
    /// at the tiny pack's most steps: the class never degrades under backlog, so each job takes a while.
    /// </summary>
    private static async Task<List<string>> SubmitQueuedAsync(TestPipeline pipeline, string prefix, int count)
    {
        var ids = Enumerable.Range(0, count).Select(i => $"{prefix}-{i:D3}").ToList();
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (id, _) =>
            await pipeline.Client.SubmitAsync(TestJobs.Generation(id, "interactive", steps: 64)));
        await Poll.UntilAsync(async () => await pipeline.QueueDepthAsync("pipeline-jobs") >= count, TimeSpan.FromSeconds(30),
            () => $"{count} jobs queued");
        return ids;
    }

    internal static async Task<List<string>> SubmitMixedAsync(TestPipeline pipeline, string prefix, int count)
    {
        var png = TestJobs.Png();
        var sourceKey = await pipeline.Client.UploadAsync(png);
        var base64 = Convert.ToBase64String(TestJobs.Png(1));
        var ids = new List<string>(count);
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var (status, body) = await pipeline.Client.SubmitAsync(TestJobs.Mixed(i, prefix, sourceKey, base64));
            Assert.True(status == System.Net.HttpStatusCode.Accepted, body.ToJsonString());
            lock (ids)
            {
                ids.Add(body["jobId"]!.GetValue<string>());
            }
        });
        return ids;
    }

    /// <summary>Each succeeded record's result is there, once, and says what the record says.</summary>
    internal static async Task AssertResultsMatchRecordsAsync(TestPipeline pipeline, Dictionary<string, JsonObject> jobs)
    {
        var resultsRoot = Path.Combine(pipeline.StorageRoot, "store", "results");
        // Staging folders a killed worker left behind are not results.
        var stored = Directory.GetDirectories(resultsRoot).Select(d => Path.GetFileName(d)!)
            .Where(Pipeline.Contracts.JobIds.IsValid).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(jobs.Count, stored.Count);
        foreach (var (id, job) in jobs)
        {
            Assert.Contains(id, stored);
            using var metadata = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(resultsRoot, id, "metadata.json")));
            Assert.Equal(id, metadata.RootElement.GetProperty("jobId").GetString());
            Assert.Equal(job["kind"]!.GetValue<string>(), metadata.RootElement.GetProperty("kind").GetString());
            Assert.Equal(job["priority"]!.GetValue<string>(), metadata.RootElement.GetProperty("priority").GetString());
            Assert.Equal(job["stepsUsed"]!.GetValue<int>(), metadata.RootElement.GetProperty("stepsUsed").GetInt32());
            var png = await File.ReadAllBytesAsync(Path.Combine(resultsRoot, id, "image.png"));
            Assert.Equal(0x89, png[0]);
        }
    }

    /// <summary>
    /// Waits until the workers are mid-run — <paramref name="succeeded"/> jobs done, one running and 16 still queued — so
    /// that the fault injected next hits running work with more waiting; a fault just after the last job ended would test
    /// nothing. Tiny-pack jobs are quick (a quiet CI machine drained a whole backlog between two 500 ms polls), so the
    /// state is polled every 10 ms. Returns the counts seen.
    /// </summary>
    private static async Task<Dictionary<string, int>> WaitUntilMidRunAsync(TestPipeline pipeline, int succeeded, string fault)
    {
        var seen = new Dictionary<string, int>();
        return await Poll.UntilAsync(async () =>
            {
                seen = await CountByStatusAsync(pipeline);
                return seen.GetValueOrDefault("succeeded") >= succeeded && seen.GetValueOrDefault("running") >= 1
                    && seen.GetValueOrDefault("queued") >= 16 ? seen : null;
            }, Deadline, () => $"{succeeded} jobs done, 1 running and 16 queued before {fault}; last seen {Describe(seen)}",
            TimeSpan.FromMilliseconds(10));
    }

    private static async Task<Dictionary<string, int>> CountByStatusAsync(TestPipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(pipeline.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT status, count(*) FROM \"{pipeline.Schema}\".jobs GROUP BY status", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        while (await reader.ReadAsync())
        {
            counts[reader.GetString(0)] = Convert.ToInt32(reader.GetInt64(1));
        }

        return counts;
    }

    private static string Describe(Dictionary<string, int> counts) =>
        counts.Count == 0 ? "no jobs" : string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    private static async Task<int> PendingEventsAsync(TestPipeline pipeline)
    {
        await using var connection = new NpgsqlConnection(pipeline.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM \"{pipeline.Schema}\".event_outbox WHERE sent_at IS NULL", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task RabbitCtlAsync(string command)
    {
        using var process = Process.Start(new ProcessStartInfo("rabbitmqctl", command) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"rabbitmqctl {command}: {await process.StandardError.ReadToEndAsync()}");
    }

    private static string Status(JsonObject job) => job["status"]!.GetValue<string>();
}
