using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.IntegrationTests.Infrastructure;
using Pipeline.Scheduler.Datasets;
using Pipeline.Storage.Jobs;

namespace Pipeline.IntegrationTests;

/// <summary>
/// The real Scheduler (Hangfire on PostgreSQL, its HTTP API), the real Api forwarding /v1/schedules to it, and a real worker on
/// one broker and database: "run now" over a folder of images sends one batch, the worker runs it, the scheduler writes the
/// dataset, and a second "run now" in the same period adds nothing. Every schedule call goes through the Api
/// (Pipeline:Api:SchedulerUrl), with a key both hosts accept. (Pipeline.Scheduler.Tests covers planning, claims and the
/// writer against a fake worker.)
/// </summary>
[Collection(RealServices.Name)]
public sealed class SchedulerFlowTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(120);

    [ServiceFact]
    public async Task RunNow_RealWorker_DatasetManifestMatchesImages_SecondRunNowMakesNothingNew()
    {
        await using var stack = await TestPipeline.StartAsync("sched", startApi: false);
        await stack.StartWorkerAsync();
        await using var scheduler = await SchedulerHost.StartAsync(stack);
        await stack.StartApiAsync(new Dictionary<string, string?>
        {
            ["Pipeline:Api:SchedulerUrl"] = scheduler.Http.BaseAddress!.ToString(),
            ["Pipeline:Api:ApiKeys:1"] = SchedulerHost.ApiKey, // the same key on both hosts: the Scheduler checks it again
        });
        using var api = new HttpClient { BaseAddress = stack.Client.Http.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        api.DefaultRequestHeaders.Add("X-Api-Key", SchedulerHost.ApiKey);
        var folder = Path.Combine(scheduler.SourceRoot, "emoji");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 3; i++)
        {
            await File.WriteAllBytesAsync(Path.Combine(folder, $"img{i}.png"), TestJobs.Png(i));
        }

        // Yearly and disabled: only "run now" triggers it, and the period (this year's 1 January) cannot roll over mid-test.
        var created = await api.PutAsJsonAsync("v1/schedules/it-augment", new
        {
            id = "it-augment",
            cron = "0 0 1 1 *",
            enabled = false,
            source = new { folder = "emoji" },
            variations = new { perImage = 1, minStrength = 0.3, maxStrength = 0.6 },
            inpaints = new { perImage = 1, minCoverage = 0.1, maxCoverage = 0.3 },
            priority = "bulk",
            steps = 3,
            modelPack = "tiny-test",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        using var run = await api.PostAsync(new Uri("v1/schedules/it-augment/run", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var batchId = (await run.Content.ReadFromJsonAsync<JsonObject>())!["batchId"]!.GetValue<string>();

        var completed = await Poll.UntilAsync(async () =>
        {
            var runs = await api.GetFromJsonAsync<JsonArray>("v1/schedules/it-augment/runs");
            return runs!.OfType<JsonObject>().FirstOrDefault(r => r["status"]!.GetValue<string>() == "completed");
        }, Deadline, () => $"run {batchId} completed with its dataset written");

        Assert.Equal(batchId, completed["batchId"]!.GetValue<string>());
        Assert.Equal((6, 6), (completed["jobs"]!.GetValue<int>(), completed["succeeded"]!.GetValue<int>()));
        var dataset = completed["datasetPath"]!.GetValue<string>();
        Assert.StartsWith(Path.Combine(scheduler.OutputRoot, "it-augment") + Path.DirectorySeparatorChar, dataset, StringComparison.Ordinal);

        var entries = (await File.ReadAllLinesAsync(Path.Combine(dataset, DatasetWriter.ManifestFileName)))
            .Where(line => line.Length > 0).Select(line => JsonSerializer.Deserialize<DatasetEntry>(line, ContractJson.Options)!).ToList();
        var images = Directory.GetFiles(Path.Combine(dataset, DatasetWriter.ImagesFolder)).Select(f => $"{DatasetWriter.ImagesFolder}/{Path.GetFileName(f)}");
        Assert.Equal(6, entries.Count);
        Assert.Equal(entries.Select(e => e.File).Order(StringComparer.Ordinal), images.Order(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            var png = await File.ReadAllBytesAsync(Path.Combine(dataset, entry.File));
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(SHA256.HashData(png)));
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
            Assert.Equal(("tiny-test", batchId, "it-augment"), (entry.ModelPack, entry.BatchId, entry.ScheduleId));
            Assert.InRange(entry.StepsUsed, 1, 3);
        }

        Assert.Equal(3, entries.Count(e => e.Kind == JobKinds.Variation));
        Assert.Equal(3, entries.Count(e => e.Kind == JobKinds.Inpainting));
        Assert.Equal(["emoji/img0.png", "emoji/img1.png", "emoji/img2.png"], entries.Select(e => e.Source).Distinct().Order(StringComparer.Ordinal));
        using (var summary = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(dataset, DatasetWriter.SummaryFileName))))
        {
            Assert.Equal(6, summary.RootElement.GetProperty("images").GetInt32());
            Assert.Empty(summary.RootElement.GetProperty("missingJobIds").EnumerateArray());
        }

        var jobs = scheduler.Services.GetRequiredService<IJobStore>();
        var batch = (await jobs.GetBatchAsync(batchId))!;
        Assert.Equal((BatchStatus.Completed, 6, 6), (batch.Status, batch.ExpectedJobs, batch.Counts.Succeeded));
        var manifestWritten = File.GetLastWriteTimeUtc(Path.Combine(dataset, DatasetWriter.ManifestFileName));

        // "Run now" again in the same period: the run exists, so nothing is queued, sent, run or written.
        using var again = await api.PostAsync(new Uri("v1/schedules/it-augment/run", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var answer = (await again.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((batchId, "completed"), (answer["batchId"]!.GetValue<string>(), answer["existingStatus"]!.GetValue<string>()));
        Assert.Null(answer["queuedJobId"]);

        var runs = await api.GetFromJsonAsync<JsonArray>("v1/schedules/it-augment/runs");
        Assert.Single(runs!);
        Assert.Single(Directory.GetDirectories(Path.Combine(scheduler.OutputRoot, "it-augment")));
        Assert.Equal(manifestWritten, File.GetLastWriteTimeUtc(Path.Combine(dataset, DatasetWriter.ManifestFileName)));
        var jobsAfter = await jobs.ListBatchJobsAsync(batchId, null, 1000);
        Assert.Equal(6, jobsAfter.Count);
        Assert.All(jobsAfter, job => Assert.Equal((JobStatus.Succeeded, 1), (job.Status, job.Attempts)));
    }
}
