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

        // Expression → what it must equal. Read together and re-read until all hold: one scrape slower than its 1 s timeout
        // marks a target's series stale until the next, so a single read could find a series missing.
        var expected = new List<(string Expression, Func<double?, bool> Holds, string Wanted)>
        {
            ("""sum(pipeline_jobs_finished_total{job="pipeline-worker"})""", v => v == ids.Count, $"{ids.Count}"),
            ("""sum(pipeline_engine_slots_total{job="pipeline-worker"})""", v => v == 8, "8 (Pipeline:Worker:Capacity of the test stack)"),
            ("""sum(pipeline_engine_slots_busy{job="pipeline-worker"})""", v => v is >= 0 and <= 8, "0..8"),
            ("""up{job="pipeline-api"}""", v => v == 1, "1"),
            ("""up{job="pipeline-worker"}""", v => v == 1, "1"),
            ("""pipeline_queue_consumers{job="pipeline-worker",queue="pipeline-jobs"}""", v => v == 1, "1"),
            ("""count(pipeline_worker_info{job="pipeline-worker",provider="cpu",precision="fp32"})""", v => v == 1, "1"),
        };
        foreach (var priority in Priorities)
        {
            foreach (var histogram in new[] { "pipeline_job_duration_seconds", "pipeline_job_queue_wait_seconds" })
            {
                expected.Add(($$"""sum({{histogram}}_count{priority="{{priority}}"})""", v => v == perPriority, $"{perPriority}"));
                expected.Add(($$"""sum({{histogram}}_bucket{priority="{{priority}}",le="+Inf"})""", v => v == perPriority, $"{perPriority}"));
                // Every bound the worker declares is a bucket, and the jobs are counted below the largest finite one too (a tiny
                // job on an idle worker ends well within its 600 s).
                expected.Add(($$"""count({{histogram}}_bucket{priority="{{priority}}"})""", v => v == WorkerMetrics.LatencyBuckets.Length + 1,
                    $"{WorkerMetrics.LatencyBuckets.Length + 1}"));
                expected.Add(($$"""max({{histogram}}_bucket{priority="{{priority}}",le!="+Inf"})""", v => v == perPriority, $"{perPriority}"));
            }
        }

        var wrong = new List<string>();
        await Poll.UntilAsync(async () =>
        {
            wrong.Clear();
            foreach (var (expression, holds, wanted) in expected)
            {
                var value = await prometheus.ScalarAsync(expression);
                if (!holds(value))
                {
                    wrong.Add($"{expression} = {value?.ToString(CultureInfo.InvariantCulture) ?? "(no series)"}, expected {wanted}");
                }
            }

            return wrong.Count == 0;
        }, TimeSpan.FromSeconds(30), () => "every scraped figure agrees with the jobs; last seen:\n" + string.Join('\n', wrong));
    }
}
