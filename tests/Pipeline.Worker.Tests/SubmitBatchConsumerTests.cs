using MassTransit;
using MassTransit.Testing;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Webhooks;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>The batch fan-out over the in-memory harness: what it records, what it sends, and that a repeat adds nothing.</summary>
public sealed class SubmitBatchConsumerTests
{
    private static readonly Uri BatchQueue = new($"queue:{PipelineEndpoints.BatchQueue}");
    private static readonly Uri BatchCallback = new("https://hooks.example/batches");
    private static readonly Uri JobCallback = new("https://hooks.example/jobs");

    [Fact]
    public async Task Consume_ValidBatch_RecordedAsTheApiRecordsItJobsRunBatchCompletedOnceWithWebhook()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        var submittedAt = new DateTimeOffset(2026, 3, 1, 3, 0, 0, TimeSpan.Zero);
        var batch = Batch("b-ok", 3) with { CallbackUrl = BatchCallback, SubmittedAt = submittedAt };
        batch = batch with { Jobs = [batch.Jobs[0] with { CallbackUrl = JobCallback }, .. batch.Jobs.Skip(1)] };

        await SendAsync(worker, batch);

        Assert.True(await worker.Bus.Published.Any<BatchCompleted>(m => m.Context.Message.BatchId == "b-ok"));
        var record = (await worker.Jobs.GetBatchAsync("b-ok"))!;
        Assert.Equal((BatchStatus.Completed, 3, BatchCallback, submittedAt), (record.Status, record.ExpectedJobs, record.CallbackUrl, record.SubmittedAt));
        Assert.Equal(new BatchCounts(0, 0, 3, 0, 0), record.Counts);
        Assert.All(worker.Jobs.Jobs, job =>
        {
            Assert.Equal("b-ok", job.BatchId);
            Assert.Equal(JobStatus.Succeeded, job.Status);
            Assert.Equal(submittedAt, job.SubmittedAt);
            Assert.Equal("b-ok", job.ReadRequest().BatchId);
        });
        Assert.Equal(["b-ok.0", "b-ok.1", "b-ok.2"], worker.Bus.Sent.Select<SubmitJob>().Select(m => m.Context.Message.JobId).Order(StringComparer.Ordinal));
        var completed = Assert.Single(worker.Bus.Published.Select<BatchCompleted>()).Context.Message;
        Assert.Equal((3, 3, 0, 0), (completed.Total, completed.Succeeded, completed.Failed, completed.Canceled));

        await Poll.UntilAsync(() => worker.Webhooks.OfType(WebhookEventTypes.BatchCompleted).Count > 0, "the batch.completed webhook");
        var batchHook = Assert.Single(worker.Webhooks.OfType(WebhookEventTypes.BatchCompleted));
        Assert.Equal(BatchCallback, batchHook.CallbackUrl);
        Assert.Equal(WebhookEvents.EventIdFor(WebhookEventTypes.BatchCompleted, "b-ok"), batchHook.EventId);
        var jobHook = Assert.Single(worker.Webhooks.OfType(WebhookEventTypes.JobCompleted));
        Assert.Equal((JobCallback, WebhookEvents.EventIdFor(WebhookEventTypes.JobCompleted, "b-ok.0")), (jobHook.CallbackUrl, jobHook.EventId));
    }

    [Fact]
    public async Task Consume_SameBatchTwice_NoSecondRecordNoResendNoSecondResult()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        var batch = Batch("b-twice", 3) with { CallbackUrl = BatchCallback };
        await SendAsync(worker, batch);
        Assert.True(await worker.Bus.Published.Any<BatchCompleted>(m => m.Context.Message.BatchId == "b-twice"));

        await SendAsync(worker, batch);

        var consumer = worker.Bus.GetConsumerHarness<SubmitBatchConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitBatch>().Count() == 2, "the second copy consumed");
        Assert.False(await consumer.Consumed.Any<SubmitBatch>(m => m.Exception is not null));
        Assert.Equal((1, 3), (worker.Jobs.BatchInserts, worker.Jobs.JobInserts));
        Assert.Equal(3, worker.Bus.Sent.Select<SubmitJob>().Count());
        Assert.Equal((3, 3), (worker.Engine.Calls, worker.Results.Writes));
        Assert.Single(worker.Bus.Published.Select<BatchCompleted>());
        Assert.Single(worker.Webhooks.OfType(WebhookEventTypes.BatchCompleted));
    }

    [Fact]
    public async Task Consume_AfterAnInterruptedAttempt_SendsTheQueuedAndMissingJobsOnly()
    {
        await using var worker = new WorkerHarness(jobConsumer: false);
        await worker.StartAsync();
        var batch = Batch("b-cut", 3);
        // What a first attempt left before it died: the batch, job 0 recorded (send lost?), job 1 already finished.
        await worker.Jobs.InsertBatchAsync(new NewBatch { BatchId = "b-cut", ExpectedJobs = 3 });
        foreach (var job in SubmitBatchConsumer.ToJobs(batch, DateTimeOffset.UtcNow).Take(2))
        {
            await worker.Jobs.InsertAsync(NewJob.From(job));
        }

        await worker.Jobs.TryLeaseAsync("b-cut.1", "test-worker", TimeSpan.FromMinutes(1));
        await worker.Jobs.MarkSucceededAsync("b-cut.1", "test-worker", new JobSuccess("results/b-cut.1", 4));

        await SendAsync(worker, batch);

        var consumer = worker.Bus.GetConsumerHarness<SubmitBatchConsumer>();
        Assert.True(await consumer.Consumed.Any<SubmitBatch>());
        Assert.Equal(["b-cut.0", "b-cut.2"], worker.Bus.Sent.Select<SubmitJob>().Select(m => m.Context.Message.JobId).Order(StringComparer.Ordinal));
        Assert.Equal((1, 3), (worker.Jobs.BatchInserts, worker.Jobs.JobInserts));
        Assert.All(worker.Bus.Sent.Select<SubmitJob>(), m => Assert.Equal("b-cut", m.Context.Message.BatchId));
    }

    [Fact]
    public async Task Consume_InvalidBatch_RejectedOnceToErrorQueueNothingRecorded()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        var batch = Batch("b-bad", 3);
        batch = batch with { Jobs = [batch.Jobs[0], batch.Jobs[1] with { Kind = "painting" }, batch.Jobs[2] with { BatchId = "other" }] };

        await SendAsync(worker, batch);

        Assert.True(await worker.Bus.Published.Any<Fault<SubmitBatch>>());
        var fault = worker.Bus.Published.Select<Fault<SubmitBatch>>().Single().Context.Message;
        var exception = Assert.Single(fault.Exceptions);
        Assert.EndsWith(nameof(InvalidBatchException), exception.ExceptionType, StringComparison.Ordinal);
        Assert.Contains(ContractErrorCodes.UnknownKind, exception.Message, StringComparison.Ordinal);
        Assert.Contains(ContractErrorCodes.InvalidBatchId, exception.Message, StringComparison.Ordinal);
        // Rejected (and logged with every reason) exactly once: never retried.
        var rejected = Assert.Single(worker.Logs.Entries, e => e.Category == typeof(SubmitBatchConsumer).FullName && e.EventId.Id == 40);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, rejected.Level);
        Assert.Contains("b-bad", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("jobs[1]", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("jobs[2]", rejected.Message, StringComparison.Ordinal);
        Assert.Equal((0, 0), (worker.Jobs.BatchInserts, worker.Jobs.JobInserts));
        Assert.Empty(worker.Bus.Sent.Select<SubmitJob>());
    }

    [Fact]
    public void Check_NullJobOrBadShape_ContractErrors()
    {
        Assert.Empty(SubmitBatchConsumer.Check(Batch("fine", 2)));
        var withNull = SubmitBatchConsumer.Check(Batch("holes", 2) with { Jobs = [Job("holes.0"), null!] });
        Assert.Equal(ContractErrorCodes.InvalidBatch, Assert.Single(withNull).Code);
        Assert.Contains("jobs[1]", withNull[0].Message, StringComparison.Ordinal);
        Assert.Contains(SubmitBatchConsumer.Check(Batch("empty", 0)), e => e.Code == ContractErrorCodes.InvalidBatch);
        Assert.Contains(SubmitBatchConsumer.Check(Batch("dup", 2) with { Jobs = [Job("same"), Job("same")] }), e => e.Code == ContractErrorCodes.InvalidBatch);
        Assert.Contains(SubmitBatchConsumer.Check(Batch("../x", 1)), e => e.Code == ContractErrorCodes.InvalidBatchId);
        Assert.Contains(SubmitBatchConsumer.Check(Batch("cb", 1) with { CallbackUrl = new Uri("ftp://x.example/") }),
            e => e.Code == ContractErrorCodes.InvalidCallbackUrl);
    }

    [Fact]
    public void ToJobs_FillsBatchIdAndSubmissionTime_JobsOwnTimeWins()
    {
        var own = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var batchTime = new DateTimeOffset(2026, 2, 2, 0, 0, 0, TimeSpan.Zero);
        var batch = new SubmitBatch { BatchId = "fill", Jobs = [Job("fill.0"), Job("fill.1") with { SubmittedAt = own, BatchId = "fill" }] };

        var jobs = SubmitBatchConsumer.ToJobs(batch, batchTime).ToList();

        Assert.All(jobs, j => Assert.Equal("fill", j.BatchId));
        Assert.Equal([batchTime, own], jobs.Select(j => j.SubmittedAt!.Value));
    }

    private static SubmitBatch Batch(string id, int jobs) => new()
    {
        BatchId = id,
        Jobs = [.. Enumerable.Range(0, jobs).Select(i => Job($"{id}.{i}") with { Priority = i % 2 == 0 ? JobPriorities.Bulk : JobPriorities.Standard })],
    };

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };

    private static async Task SendAsync(WorkerHarness worker, SubmitBatch batch)
    {
        var endpoint = await worker.Bus.Bus.GetSendEndpoint(BatchQueue);
        await endpoint.Send(batch);
    }
}
