using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>
/// The job's lease at work in the consumer: copies of a message compute nothing while the job is leased, a dead worker's
/// job is taken over, a succeeded job is announced exactly once, and every message naming a job ends as a record.
/// </summary>
public sealed class ComputeOnceTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task CopiesOfAMessage_WhileTheFirstRuns_EngineRunsOnceAndOneCompletionIsPublished()
    {
        await using var worker = new WorkerHarness();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        worker.Engine.Run = async (job, token) =>
        {
            await release.Task.WaitAsync(token);
            return ScriptedEngine.Result(job);
        };
        await worker.StartAsync();
        await worker.Bus.Bus.Publish(Job("dup"));
        await worker.Engine.Started.Task.WaitAsync(Wait);

        await worker.Bus.Bus.Publish(Job("dup"));
        await worker.Bus.Bus.Publish(Job("dup"));
        var consumer = worker.Bus.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "dup").Count() == 2, "both copies consumed");
        release.SetResult();

        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "dup").Count() == 3, "the first copy consumed");
        Assert.Equal(1, worker.Engine.Calls);
        Assert.Single(worker.Bus.Published.Select<JobCompleted>(m => m.Context.Message.JobId == "dup"));
        Assert.Single(worker.Bus.Published.Select<JobAccepted>(m => m.Context.Message.JobId == "dup"));
        var record = worker.Jobs["dup"]!;
        Assert.Equal((JobStatus.Succeeded, 1, null), (record.Status, record.Attempts, record.LeaseExpiresAt));
        Assert.Equal(1, worker.Results.Writes);
    }

    [Fact]
    public async Task Copy_JobLeasedByAnotherLiveWorker_AcknowledgedWithoutRunning()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(Job("held")));
        var expires = DateTimeOffset.UtcNow.AddMinutes(5);
        worker.Jobs.LeaseTo("held", "other-worker", expires);

        await worker.Bus.Bus.Publish(Job("held"));

        Assert.True(await worker.Bus.GetConsumerHarness<SubmitJobConsumer>().Consumed.Any<SubmitJob>(m => m.Context.Message.JobId == "held"));
        Assert.Equal(0, worker.Engine.Calls);
        Assert.False(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "held"));
        Assert.Equal(("other-worker", expires), (worker.Jobs["held"]!.LeasedBy, worker.Jobs["held"]!.LeaseExpiresAt));
        Assert.False(await worker.Bus.Published.Any<Fault<SubmitJob>>());
    }

    [Fact]
    public async Task Copy_LeaseOfADeadWorkerExpired_TakenOverRunAndCompletedOnce()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(Job("orphan")));
        worker.Jobs.LeaseTo("orphan", "dead-worker", DateTimeOffset.UtcNow.AddSeconds(-1));

        await worker.Bus.Bus.Publish(Job("orphan"));

        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "orphan"));
        var record = worker.Jobs["orphan"]!;
        Assert.Equal(JobStatus.Succeeded, record.Status);
        Assert.Equal(2, record.Attempts);
        Assert.NotEqual("dead-worker", record.LeasedBy);
        Assert.Equal(1, worker.Engine.Calls);
    }

    [Fact]
    public async Task Redelivery_OfASucceededAndAnnouncedJob_NoSecondCompletion()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Bus.Bus.Publish(Job("done"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "done"));

        await worker.Bus.Bus.Publish(Job("done"));

        var consumer = worker.Bus.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "done").Count() == 2, "the second copy consumed");
        Assert.Single(worker.Bus.Published.Select<JobCompleted>(m => m.Context.Message.JobId == "done"));
        Assert.Equal(1, worker.Engine.Calls);
    }

    [Fact]
    public async Task Copy_OfAJobThatSucceededButWhoseWorkerDiedBeforeAnnouncing_AnnouncedOnceWithoutRunning()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        // What a worker left when it died between marking the job succeeded and publishing JobCompleted.
        await worker.Jobs.InsertAsync(NewJob.From(Job("unannounced")));
        await worker.Jobs.TryLeaseAsync("unannounced", "dead-worker", TimeSpan.FromMinutes(1));
        await worker.Results.WriteAsync("unannounced", new Storage.Results.ResultFiles(new byte[] { 0x89 }, new long[] { 1, 2 }, JobOutcomes.SerializeMetadata(
            ScriptedEngine.Result(new Engine.EngineJob { JobId = "unannounced", Kind = JobKind.Generation, Steps = 4 }).Metadata)));
        await worker.Jobs.MarkSucceededAsync("unannounced", "dead-worker", new JobSuccess("results/unannounced", 4));
        worker.Jobs.LeaseTo("unannounced", "dead-worker", DateTimeOffset.UtcNow.AddSeconds(-1));
        var writes = worker.Results.Writes;

        await worker.Bus.Bus.Publish(Job("unannounced"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "unannounced"));
        await worker.Bus.Bus.Publish(Job("unannounced"));

        var consumer = worker.Bus.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "unannounced").Count() == 2, "both copies consumed");
        Assert.Single(worker.Bus.Published.Select<JobCompleted>(m => m.Context.Message.JobId == "unannounced"));
        Assert.Equal(0, worker.Engine.Calls);
        Assert.Equal(writes, worker.Results.Writes);
        Assert.Null(worker.Jobs["unannounced"]!.LeaseExpiresAt);
    }

    [Fact]
    public async Task Take_PublishesJobAcceptedBeforeTheEngineRuns()
    {
        await using var worker = new WorkerHarness();
        var acceptedFirst = false;
        worker.Engine.Run = (job, token) =>
        {
            acceptedFirst = worker.Bus.Published.Select<JobAccepted>(m => m.Context.Message.JobId == "acc", token).Any();
            return Task.FromResult(ScriptedEngine.Result(job));
        };
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("acc") with { BatchId = "acc-batch", Priority = JobPriorities.Bulk, ModelPack = "fake" });

        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "acc"));
        Assert.True(acceptedFirst);
        var accepted = Assert.Single(worker.Bus.Published.Select<JobAccepted>()).Context.Message;
        Assert.Equal(("acc", "acc-batch", JobKinds.Generation, JobPriorities.Bulk, "fake"),
            (accepted.JobId, accepted.BatchId, accepted.Kind, accepted.Priority, accepted.ModelPack));
    }

    [Fact]
    public async Task Renewal_FindsTheLeaseTakenOver_StopsTheRunningJobWithoutCompletingIt()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = ScriptedEngine.UntilCanceled;
        await worker.StartAsync();
        await worker.Bus.Bus.Publish(Job("stalled"));
        await worker.Engine.Started.Task.WaitAsync(Wait);

        // This worker stalled past its lease, and another took the job over.
        worker.Jobs.LeaseTo("stalled", "other-worker", DateTimeOffset.UtcNow.AddMinutes(5));
        await worker.Services.GetRequiredService<JobLeases>().RenewAsync(CancellationToken.None);

        Assert.True(await worker.Bus.GetConsumerHarness<SubmitJobConsumer>().Consumed.Any<SubmitJob>(m => m.Context.Message.JobId == "stalled"));
        Assert.Equal(("other-worker", JobStatus.Running), (worker.Jobs["stalled"]!.LeasedBy, worker.Jobs["stalled"]!.Status));
        Assert.False(await worker.Bus.Published.Any<JobCompleted>());
        Assert.False(await worker.Bus.Published.Any<Fault<SubmitJob>>());
    }

    [Fact]
    public async Task MessageWithAValidIdAndAFieldOfTheWrongType_FailedRecordNamingTheFieldAndJobFailed()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();

        await SendRawAsync(worker, new MistypedJob("mistyped", JobKinds.Generation, "forty-two", "b-raw"));

        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "mistyped"),
            string.Join("\n", worker.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(e => $"{e.Category}: {e.Message}")));
        var failed = worker.Bus.Published.Select<JobFailed>(m => m.Context.Message.JobId == "mistyped").Single().Context.Message;
        Assert.Equal((ContractErrorCodes.MalformedMessage, false, "b-raw"), (failed.Code, failed.Retryable, failed.BatchId));
        Assert.Contains("'seed'", failed.Message, StringComparison.Ordinal);
        Assert.Contains("an integer", failed.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", failed.Message, StringComparison.Ordinal);
        var record = worker.Jobs["mistyped"]!;
        Assert.Equal((JobStatus.Failed, ContractErrorCodes.MalformedMessage, JobKinds.Generation, "b-raw"),
            (record.Status, record.ErrorCode, record.Kind, record.BatchId));
        Assert.Equal(0, worker.Engine.Calls);
    }

    [Fact]
    public async Task MessageBreakingAContractRuleWithAnUnstorableKind_FailedRecordAndJobFailed()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("no-kind") with { Kind = "", BatchId = "not/a/batch" });

        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "no-kind"));
        var record = worker.Jobs["no-kind"]!;
        Assert.Equal((JobStatus.Failed, ContractErrorCodes.InvalidBatchId, JobRejections.UnknownValue, null),
            (record.Status, record.ErrorCode, record.Kind, record.BatchId));
        Assert.Contains("kind", record.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidCopy_OfAValidRecordedJob_LeavesTheJobAlone()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(Job("valid")));

        await worker.Bus.Bus.Publish(Job("valid") with { Steps = 0 });

        Assert.True(await worker.Bus.GetConsumerHarness<SubmitJobConsumer>().Consumed.Any<SubmitJob>(m => m.Context.Message.JobId == "valid"));
        Assert.Equal(JobStatus.Queued, worker.Jobs["valid"]!.Status);
        Assert.False(await worker.Bus.Published.Any<JobFailed>());
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };

    /// <summary>Sends <paramref name="body"/> as a plain-JSON producer would (content type application/json, no envelope) to the job queue.</summary>
    private static async Task SendRawAsync(WorkerHarness worker, object body)
    {
        var endpoint = await worker.Bus.Bus.GetSendEndpoint(new Uri($"queue:{PipelineEndpoints.JobQueue}"));
        await endpoint.Send(body, context => context.Serializer = new SystemTextJsonRawMessageSerializer(RawSerializerOptions.AnyMessageType));
    }

    /// <summary>A job whose seed is a string: valid JSON that does not deserialize as a <see cref="SubmitJob"/>.</summary>
    private sealed record MistypedJob(string JobId, string Kind, string Seed, string? BatchId);
}
