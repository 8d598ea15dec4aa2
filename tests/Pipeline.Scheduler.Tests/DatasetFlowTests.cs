using System.Security.Cryptography;
using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Scheduler.Datasets;
using Pipeline.Scheduler.Runs;
using Pipeline.Scheduler.Schedules;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// Trigger → one SubmitBatch on the bus → (fake engine stage over the real job and result stores) → BatchCompleted →
/// dataset on disk. The worker host is being written elsewhere; <see cref="FakeWorker"/> takes its place.
/// </summary>
public sealed class DatasetFlowTests
{
    [PostgresFact]
    public async Task TriggerNow_BatchCompletes_DatasetManifestMatchesFiles()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 3);
        var schedule = PlannerTests.Schedule(); // 2 variations + 1 inpaint per image
        await harness.Store.UpsertAsync(schedule);
        var failing = AugmentationPlanner.BatchId(schedule.Id, new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero)) + "-0001-v01";
        harness.Worker.FailJobIds.Add(failing);

        var result = await harness.Runner.TriggerAsync(schedule.Id);

        Assert.True(result.Created);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero), result.Run.PeriodStart);
        var run = await WaitForCompletedRunAsync(harness, result.Run.BatchId);
        Assert.Equal(8, run.Succeeded);

        var folder = run.DatasetPath!;
        Assert.Equal(Path.Join(harness.OutputRoot, "emoji-aug", "20260301T030000Z"), folder);
        var entries = File.ReadAllLines(Path.Join(folder, DatasetWriter.ManifestFileName))
            .Select(line => JsonSerializer.Deserialize<DatasetEntry>(line, ContractJson.Options)!).ToList();
        Assert.Equal(8, entries.Count);
        // Every planned inpainting and all variations but the failed one: the per-kind checks below see both kinds.
        Assert.Equal((5, 3), (entries.Count(e => e.Kind == JobKinds.Variation), entries.Count(e => e.Kind == JobKinds.Inpainting)));
        Assert.Equal(
            entries.Select(e => e.File).Order(StringComparer.Ordinal),
            Directory.GetFiles(Path.Join(folder, DatasetWriter.ImagesFolder)).Select(f => "images/" + Path.GetFileName(f)).Order(StringComparer.Ordinal));
        foreach (var entry in entries)
        {
            Assert.Equal(entry.Sha256, Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Join(folder, entry.File)))));
            var planned = run.Plan.Jobs.Single(j => j.JobId == entry.JobId);
            Assert.Equal(planned.Seed, entry.Seed);
            Assert.Equal(planned.Source, entry.Source);
            Assert.StartsWith("emoji/img", entry.Source, StringComparison.Ordinal);
            Assert.Equal(("emoji-32", "1.2.0", 24, 32), (entry.ModelPack, entry.ModelVersion, entry.StepsUsed, entry.StepsRequested));
            Assert.Equal(result.Run.BatchId, entry.BatchId);
            if (entry.Kind == JobKinds.Variation)
            {
                Assert.NotNull(entry.Strength);
                Assert.Null(entry.Mask);
            }
            else
            {
                Assert.Equal(JobKinds.Inpainting, entry.Kind);
                Assert.NotNull(entry.Mask);
                Assert.Null(entry.Strength);
            }
        }

        using var summary = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Join(folder, DatasetWriter.SummaryFileName)));
        Assert.Equal([failing], summary.RootElement.GetProperty("missingJobIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(folder)!, ".staging-*"));

        // The bulk class and the inputs the jobs reference are real: the worker could run them.
        var sent = Assert.Single(harness.Worker.Received);
        Assert.All(sent.Jobs, j => Assert.Equal(JobPriorities.Bulk, j.Priority));
        var inputs = harness.Provider.GetRequiredService<Pipeline.Storage.Inputs.IInputStore>();
        Assert.All(sent.Jobs, j => Assert.True(inputs.ExistsAsync(j.SourceImageKey!).GetAwaiter().GetResult()));
    }

    [PostgresFact]
    public async Task SourceImageOverTheUploadLimit_IsSkipped_TheRestOfTheDatasetIsMade()
    {
        await using var harness = await SchedulerHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Pipeline:Storage:Files:MaxInputBytes"] = "20000",
        });
        harness.AddSourceImages("emoji", 2);
        harness.AddNoiseImage("emoji", "huge.png", 128); // about 49 KB, over the 20 KB limit, but a valid image
        var schedule = PlannerTests.Schedule(); // 2 variations + 1 inpaint per image
        await harness.Store.UpsertAsync(schedule);

        var result = await harness.Runner.TriggerAsync(schedule.Id);

        Assert.True(result.Created);
        var run = await WaitForCompletedRunAsync(harness, result.Run.BatchId);
        Assert.Equal(6, run.Succeeded);
        Assert.DoesNotContain(run.Plan.Jobs, j => j.Source.Contains("huge", StringComparison.Ordinal));
    }

    [PostgresFact]
    public async Task TriggerTwiceInOnePeriod_SecondMakesNothingNew()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 2);
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);

        var first = await harness.Runner.TriggerAsync(schedule.Id);
        var firstRun = await WaitForCompletedRunAsync(harness, first.Run.BatchId);
        var writtenAt = Directory.GetLastWriteTimeUtc(firstRun.DatasetPath!);
        harness.Time.Advance(TimeSpan.FromHours(2)); // still the 03:00 period
        var second = await harness.Runner.TriggerAsync(schedule.Id);
        var explicitPeriod = await harness.Runner.TriggerAsync(schedule.Id, first.Run.PeriodStart.AddMinutes(30));

        Assert.False(second.Created);
        Assert.False(explicitPeriod.Created);
        Assert.Equal(first.Run.BatchId, second.Run.BatchId);
        Assert.Equal(RunStatuses.Completed, second.Run.Status);
        Assert.Single(harness.Worker.Received);
        Assert.Single(harness.Bus.Sent.Select<SubmitBatch>());
        Assert.Single(await harness.Store.ListRunsAsync(schedule.Id, 10));
        Assert.Equal(writtenAt, Directory.GetLastWriteTimeUtc(firstRun.DatasetPath!));

        // The next period is a new run.
        harness.Time.Advance(TimeSpan.FromDays(1));
        var nextDay = await harness.Runner.TriggerAsync(schedule.Id);
        Assert.True(nextDay.Created);
        Assert.NotEqual(first.Run.BatchId, nextDay.Run.BatchId);
    }

    [PostgresFact]
    public async Task ConcurrentTriggers_ExactlyOneBatch()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 2);
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => harness.Runner.TriggerAsync(schedule.Id)));

        Assert.Single(results, r => r.Created);
        await WaitForCompletedRunAsync(harness, results[0].Run.BatchId);
        Assert.Single(harness.Worker.Received);
    }

    [PostgresFact]
    public async Task CompletionEventLost_ReconcilerWritesDatasetFromJobStore()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 1);
        harness.Worker.PublishCompletion = false;
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);
        var result = await harness.Runner.TriggerAsync(schedule.Id);
        await Poll.UntilAsync(async () => !harness.Worker.Received.IsEmpty && await harness.Bus.Consumed.Any<SubmitBatch>(), "the fake worker to take the batch");
        Assert.Equal(RunStatuses.Submitted, (await harness.Store.GetRunByBatchAsync(result.Run.BatchId))!.Status);

        var moved = await harness.Provider.GetRequiredService<RunReconciler>().ReconcileAsync();

        Assert.Equal(1, moved);
        var run = (await harness.Store.GetRunByBatchAsync(result.Run.BatchId))!;
        Assert.Equal(RunStatuses.Completed, run.Status);
        Assert.Equal(3, File.ReadAllLines(Path.Join(run.DatasetPath!, DatasetWriter.ManifestFileName)).Length);
    }

    [PostgresFact]
    public async Task ManifestSource_ImagesListedRelativeToManifest_EscapeRefused()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("set", 2);
        await File.WriteAllLinesAsync(Path.Join(harness.SourceRoot, "set", "list.txt"), ["# two of them", "img01.png", "", "img00.png"]);
        var schedule = PlannerTests.Schedule() with { Source = new ScheduleSource { Manifest = "set/list.txt" } };
        await harness.Store.UpsertAsync(schedule);

        var result = await harness.Runner.TriggerAsync(schedule.Id);

        Assert.Equal(["set/img00.png", "set/img01.png"], result.Run.Plan.Jobs.Select(j => j.Source).Distinct());

        await File.WriteAllLinesAsync(Path.Join(harness.SourceRoot, "set", "list.txt"), ["../../store/secret.png"]);
        harness.Time.Advance(TimeSpan.FromDays(1));
        var refused = await harness.Runner.TriggerAsync(schedule.Id);
        Assert.Equal(RunStatuses.Failed, refused.Run.Status);
        Assert.Contains("leaves the source root", refused.Run.Error, StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task SourceFolderGone_RunRecordedFailedWithTheReason_NothingSent()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        var schedule = PlannerTests.Schedule() with { Source = new ScheduleSource { Folder = "gone" } };
        await harness.Store.UpsertAsync(schedule);

        var result = await harness.Runner.TriggerAsync(schedule.Id);
        var again = await harness.Runner.TriggerAsync(schedule.Id); // a Hangfire retry, or a second firing in the period

        Assert.False(result.Created);
        Assert.Equal(RunStatuses.Failed, result.Run.Status);
        Assert.Equal("source folder 'gone' does not exist under the source root", result.Run.Error);
        Assert.Equal((RunStatuses.Failed, result.Run.BatchId), (again.Run.Status, again.Run.BatchId));
        var listed = Assert.Single(await harness.Store.ListRunsAsync(schedule.Id, 10));
        Assert.Equal((RunStatuses.Failed, 0), (listed.Status, listed.Plan.Jobs.Count));
        Assert.Contains("'gone' does not exist", listed.Error, StringComparison.Ordinal);
        Assert.Empty(harness.Bus.Sent.Select<SubmitBatch>());
        Assert.Empty(await harness.Store.ListOpenRunsAsync(10)); // the reconciler leaves it alone
    }

    [PostgresFact]
    public async Task NoImageDecodes_RunRecordedFailed_ThenFixedAndRequestedAgain_Runs()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        Directory.CreateDirectory(Path.Join(harness.SourceRoot, "emoji"));
        await File.WriteAllTextAsync(Path.Join(harness.SourceRoot, "emoji", "notes.png"), "not an image");
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);
        var service = harness.Provider.GetRequiredService<ScheduleService>();

        var failed = await harness.Runner.TriggerAsync(schedule.Id);
        harness.AddSourceImages("emoji", 1);
        var retried = await service.RunNowAsync(schedule.Id);
        var result = await harness.Runner.TriggerAsync(schedule.Id, retried!.PeriodStart);

        Assert.Equal(RunStatuses.Failed, failed.Run.Status);
        Assert.Contains("found no usable source image", failed.Run.Error, StringComparison.Ordinal);
        Assert.NotNull(retried.QueuedJobId); // a failed period is requested again
        Assert.True(result.Created);
        Assert.Equal(failed.Run.BatchId, result.Run.BatchId);
        var run = await WaitForCompletedRunAsync(harness, result.Run.BatchId);
        Assert.Null(run.Error);
        Assert.Equal(3, run.Succeeded);
    }

    [PostgresFact]
    public async Task RunNow_ParallelCallsForOnePeriod_ExactlyOneQueuesAllNameOneBatch()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 1);
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);
        var service = harness.Provider.GetRequiredService<ScheduleService>();
        var triggers = (RecordingTriggers)harness.Provider.GetRequiredService<IScheduleTriggers>();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => service.RunNowAsync(schedule.Id)));

        Assert.Single(answers, a => a!.QueuedJobId is not null);
        Assert.All(answers.Where(a => a!.QueuedJobId is null), a => Assert.Equal(RunStatuses.Requested, a!.ExistingStatus));
        Assert.Single(answers.Select(a => a!.BatchId).Distinct());
        Assert.Single(triggers.Enqueued);
    }

    [PostgresFact]
    public async Task RequestedRunWhoseJobWasLost_ReconcilerPlansAndSendsItAfterTheGrace()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 1);
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);
        var answer = await harness.Provider.GetRequiredService<ScheduleService>().RunNowAsync(schedule.Id); // queued job never runs here
        var reconciler = harness.Provider.GetRequiredService<RunReconciler>();

        var early = await reconciler.ReconcileAsync();
        harness.Time.Advance(AugmentationRunner.ClaimGrace + TimeSpan.FromSeconds(1));
        var late = await reconciler.ReconcileAsync();

        Assert.Equal((0, 1), (early, late));
        var run = await WaitForCompletedRunAsync(harness, answer!.BatchId);
        Assert.Equal(3, run.Succeeded);
    }

    [PostgresFact]
    public async Task ClaimedRunAbandoned_NextTriggerResendsSameBatch()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        harness.AddSourceImages("emoji", 1);
        var schedule = PlannerTests.Schedule();
        await harness.Store.UpsertAsync(schedule);
        var period = new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);
        var plan = new RunPlan { Priority = JobPriorities.Bulk, Jobs = [new PlannedJob { JobId = "aug-x-1", Source = "emoji/img00.png", SourceKey = "sha256:" + new string('d', 64), Kind = JobKinds.Variation, Seed = 1, Strength = 0.5f }] };
        var batchId = AugmentationPlanner.BatchId(schedule.Id, period);
        var (_, requested) = await harness.Store.TryRequestRunAsync(AugmentationRunner.Request(schedule, period, harness.Time.GetUtcNow()));
        Assert.True(await harness.Store.ClaimRequestedRunAsync(requested with { Status = RunStatuses.Claimed, Plan = plan })); // a trigger that died before sending

        var young = await harness.Runner.TriggerAsync(schedule.Id); // the claiming trigger may still be sending
        harness.Time.Advance(AugmentationRunner.ClaimGrace + TimeSpan.FromSeconds(1));
        var abandoned = await harness.Runner.TriggerAsync(schedule.Id);

        Assert.False(young.Created);
        Assert.False(abandoned.Created);
        await Poll.UntilAsync(() => Task.FromResult(!harness.Worker.Received.IsEmpty), "the resent batch");
        var sent = Assert.Single(harness.Worker.Received);
        Assert.Equal(batchId, sent.BatchId);
        Assert.Equal(["aug-x-1"], sent.Jobs.Select(j => j.JobId));
    }

    [PostgresFact]
    public async Task ScheduleStore_CrudRoundTrip()
    {
        await using var harness = await SchedulerHarness.StartAsync();
        var schedule = PlannerTests.Schedule();

        Assert.True(await harness.Store.InsertAsync(schedule));
        Assert.False(await harness.Store.InsertAsync(schedule));
        Assert.False(await harness.Store.UpsertAsync(schedule with { Steps = 16 }));
        Assert.Equal(16, (await harness.Store.GetAsync(schedule.Id))!.Steps);
        Assert.Equal([schedule.Id], (await harness.Store.ListAsync()).Select(s => s.Id));
        Assert.True(await harness.Store.DeleteAsync(schedule.Id));
        Assert.Null(await harness.Store.GetAsync(schedule.Id));
        Assert.False(await harness.Store.DeleteAsync(schedule.Id));
    }

    private static async Task<AugmentationRun> WaitForCompletedRunAsync(SchedulerHarness harness, string batchId)
    {
        AugmentationRun? run = null;
        await Poll.UntilAsync(async () =>
        {
            run = await harness.Store.GetRunByBatchAsync(batchId);
            return run?.Status == RunStatuses.Completed;
        }, $"run {batchId} to complete");
        return run!;
    }
}
