using System.Globalization;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Worker.Telemetry;

namespace Pipeline.IntegrationTests;

/// <summary>
/// A real Prometheus scraping a running Api and worker (docs/operations.md, "Metrics"): what it stored agrees with the
/// jobs that were run, under the names and labels the alert rules, the dashboard and the KEDA trigger query.
/// </summary>
[Collection(RealServices.Name)]
public sealed class PrometheusScrapeTests
{
    private static readonly string[] Priorities = ["interactive", "standard", "bulk"];

    [PrometheusFact]
    public async Task JobsAcrossPriorities_ScrapedFromApiAndWorker_CountsLatencyBucketsAndSlotsAgreeWithTheJobs()
    {
        const int perPriority = 3;
        await using var stack = await TestPipeline.StartAsync("prometheus");
        // A worker process of its own: in one process every host's exporter would also see the other hosts' meters.
        var worker = await stack.StartWorkerProcessAsync("prometheus-worker");
        await using var prometheus = await PrometheusServer.StartAsync(new Dictionary<string, Uri>
        {
            ["pipeline-api"] = stack.Client.Http.BaseAddress!,
            ["pipeline-worker"] = worker.BaseAddress,
        });

        var ids = new List<string>();
        foreach (var priority in Priorities)
        {
            for (var i = 0; i < perPriority; i++)
            {
                var id = $"prom-{priority}-{i}";
                await stack.Client.SubmitAsync(TestJobs.Generation(id, priority, steps: 4));
                ids.Add(id);
            }
        }

        var jobs = await stack.Client.WaitForAllAsync(ids, TimeSpan.FromSeconds(120));
        Assert.All(jobs.Values, job => Assert.Equal("succeeded", job["status"]!.GetValue<string>()));

        // Scraped every second: poll until the last job's outcome (and the Api's count) reached Prometheus; everything
        // recorded with them has then too.
        const string completed = """sum(pipeline_jobs_finished_total{job="pipeline-worker",outcome="completed"})""";
        const string submitted = """sum(pipeline_jobs_submitted_total{job="pipeline-api"})""";
        var seen = "";
        await Poll.UntilAsync(async () =>
        {
            var (done, sent) = (await prometheus.ScalarAsync(completed), await prometheus.ScalarAsync(submitted));
            seen = $"completed {done?.ToString(CultureInfo.InvariantCulture) ?? "(no series)"}, submitted {sent?.ToString(CultureInfo.InvariantCulture) ?? "(no series)"}; "
                + await prometheus.DescribeTargetsAsync();
            return done == ids.Count && sent == ids.Count;
        }, TimeSpan.FromSeconds(60), () => $"{ids.Count} jobs completed and submitted in Prometheus; last seen: {seen}");

        Assert.Equal(ids.Count, await prometheus.ScalarAsync("""sum(pipeline_jobs_finished_total{job="pipeline-worker"})"""));
        foreach (var priority in Priorities)
        {
            foreach (var histogram in new[] { "pipeline_job_duration_seconds", "pipeline_job_queue_wait_seconds" })
            {
                Assert.Equal(perPriority, await prometheus.ScalarAsync($$"""sum({{histogram}}_count{priority="{{priority}}"})"""));
                Assert.Equal(perPriority, await prometheus.ScalarAsync($$"""sum({{histogram}}_bucket{priority="{{priority}}",le="+Inf"})"""));
                // Every bound the worker declares is a bucket, and the jobs are counted below the largest finite one too (a tiny
                // job on an idle worker ends well within its 600 s).
                Assert.Equal(WorkerMetrics.LatencyBuckets.Length + 1,
                    await prometheus.ScalarAsync($$"""count({{histogram}}_bucket{priority="{{priority}}"})"""));
                Assert.Equal(perPriority, await prometheus.ScalarAsync($$"""max({{histogram}}_bucket{priority="{{priority}}",le!="+Inf"})"""));
            }
        }

        var total = await prometheus.ScalarAsync("""sum(pipeline_engine_slots_total{job="pipeline-worker"})""");
        var busy = await prometheus.ScalarAsync("""sum(pipeline_engine_slots_busy{job="pipeline-worker"})""");
        Assert.Equal(8, total); // Pipeline:Worker:Capacity of the test stack
        Assert.InRange(busy!.Value, 0, total!.Value);
        Assert.Equal(1, await prometheus.ScalarAsync("""up{job="pipeline-api"}"""));
        Assert.Equal(1, await prometheus.ScalarAsync("""up{job="pipeline-worker"}"""));
        Assert.Equal(1, await prometheus.ScalarAsync("""pipeline_queue_consumers{job="pipeline-worker",queue="pipeline-jobs"}"""));
        Assert.Equal(1, await prometheus.ScalarAsync("""count(pipeline_worker_info{job="pipeline-worker",provider="cpu",precision="fp32"})"""));
    }
}
