using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Outbox;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>
/// The outbox sweep (<see cref="TerminalEventPublisher"/> as <see cref="OutboxDispatcherService"/> runs it): an event a
/// worker committed and died before publishing is published once, under the message id derived from the job, with its
/// webhook under the matching event id; a second sweep publishes nothing.
/// </summary>
public sealed class OutboxSweepTests
{
    [Fact]
    public async Task WorkerDiedBetweenCommitAndPublish_SweepPublishesJobCompletedOnceUnderItsMessageId()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        var job = new SubmitJob { JobId = "orphan", Kind = JobKinds.Generation, Steps = 4, CallbackUrl = new Uri("https://hooks.example.com/done") };
        await worker.Jobs.InsertAsync(NewJob.From(job));
        await worker.Jobs.TryLeaseAsync("orphan", "dead-worker", TimeSpan.FromMinutes(1));
        await worker.Results.WriteAsync("orphan", new Storage.Results.ResultFiles(new byte[] { 0x89 }, new long[] { 1, 2 }, JobOutcomes.SerializeMetadata(
            ScriptedEngine.Result(new Engine.EngineJob { JobId = "orphan", Kind = JobKind.Generation, Steps = 4 }).Metadata)));
        // The success and its outbox row commit together; the worker dies before its own dispatch.
        await worker.Jobs.MarkSucceededAsync("orphan", "dead-worker", new JobSuccess("results/orphan", 4));
        var sweep = worker.Services.GetRequiredService<TerminalEventPublisher>();

        var first = await sweep.DispatchAsync(worker.Bus.Bus, null, CancellationToken.None);
        var second = await sweep.DispatchAsync(worker.Bus.Bus, null, CancellationToken.None);

        var id = EventMessageIds.For(EventMessageIds.JobCompleted, "orphan");
        Assert.Equal((1, 0), (first.Sent.Count, second.Sent.Count));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "orphan"));
        var published = Assert.Single(worker.Bus.Published.Select<JobCompleted>(m => m.Context.Message.JobId == "orphan"));
        Assert.Equal(id, published.Context.MessageId);
        Assert.Equal(("results/orphan", 4), (published.Context.Message.ResultKey, published.Context.Message.StepsUsed));
        var webhook = Assert.Single(worker.Webhooks.OfType("job.completed"));
        Assert.Equal("evt_" + id.ToString("N"), webhook.EventId);
        Assert.Equal(0, worker.Jobs.Outbox.Pending);
    }

    [Fact]
    public async Task FailedAndCanceledJobs_EachAnnouncedOnceFromTheOutbox()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(new SubmitJob { JobId = "bad", Kind = JobKinds.Generation }));
        await worker.Jobs.InsertAsync(NewJob.From(new SubmitJob { JobId = "stop", Kind = JobKinds.Generation }));
        await worker.Jobs.MarkFailedAsync("bad", new JobFailure("image_undecodable", "not an image", false));
        await worker.Jobs.MarkFailedAsync("bad", new JobFailure("internal_error", "again", true));
        await worker.Jobs.CancelAsync("stop", "user asked"); // as the Api records a cancel
        var sweep = worker.Services.GetRequiredService<TerminalEventPublisher>();

        await sweep.DispatchAsync(worker.Bus.Bus, null, CancellationToken.None);
        await sweep.DispatchAsync(worker.Bus.Bus, null, CancellationToken.None);

        Assert.True(await worker.Bus.Published.Any<JobCanceled>(m => m.Context.Message.JobId == "stop"));
        var failed = Assert.Single(worker.Bus.Published.Select<JobFailed>(m => m.Context.Message.JobId == "bad"));
        Assert.Equal(("image_undecodable", false), (failed.Context.Message.Code, failed.Context.Message.Retryable));
        var canceled = Assert.Single(worker.Bus.Published.Select<JobCanceled>(m => m.Context.Message.JobId == "stop"));
        Assert.Equal("user asked", canceled.Context.Message.Reason);
        Assert.Equal(EventMessageIds.For(EventMessageIds.JobCanceled, "stop"), canceled.Context.MessageId);
    }
}
