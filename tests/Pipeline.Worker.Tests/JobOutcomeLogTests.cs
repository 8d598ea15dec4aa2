using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>
/// A worker's log is one line per job outcome: succeeded and canceled at Information, failed at Warning (bad input) or
/// Error (a fault of the system), and nothing else about the job at Information or above (redeliveries, repeated
/// announcements, the cancel seen from the running job are Debug). Lines are counted over the worker's own categories;
/// MassTransit's own retry and fault lines are its own.
/// </summary>
public sealed class JobOutcomeLogTests
{
    [Fact]
    public async Task Succeeded_AndRedelivered_OneInformationLine()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("log-ok"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "log-ok"));
        await worker.Bus.Bus.Publish(Job("log-ok")); // a redelivery after a lost ack: announced again, not logged again
        await ConsumedAsync<SubmitJob>(worker, 2);

        var line = Assert.Single(OutcomeLines(worker, "log-ok"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("succeeded", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedForBadInput_OneWarningLineWithTheCode()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = (_, _) => throw new InvalidJobException("image_undecodable", "not an image");
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("log-bad"));
        await ConsumedAsync<SubmitJob>(worker, 1);

        var line = Assert.Single(OutcomeLines(worker, "log-bad"));
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("failed: image_undecodable", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedAfterEveryRetry_OneErrorLine()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = (_, _) => throw new IOException("disk went away");
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("log-flaky"));
        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "log-flaky"));
        await ConsumedAsync<Fault<SubmitJob>>(worker, 1);

        var line = Assert.Single(OutcomeLines(worker, "log-flaky"));
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("failed: internal_error", line.Message, StringComparison.Ordinal);
        Assert.Equal(3, worker.Engine.Calls);
    }

    [Fact]
    public async Task CanceledWhileRunning_OneInformationLine()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = ScriptedEngine.UntilCanceled;
        await worker.StartAsync();
        await worker.Bus.Bus.Publish(Job("log-long"));
        await worker.Engine.Started.Task.WaitAsync(Poll.DefaultTimeout);

        await worker.Bus.Bus.Publish(new CancelJob { JobId = "log-long", Reason = "user" });
        await ConsumedAsync<SubmitJob>(worker, 1);
        await ConsumedAsync<CancelJob>(worker, 1);

        var line = Assert.Single(OutcomeLines(worker, "log-long"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Contains("canceled: user", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CanceledWhileQueued_OneInformationLine_ItsMessageSkippedQuietly()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(Job("log-early")));

        await worker.Bus.Bus.Publish(new CancelJob { JobId = "log-early", Reason = "changed my mind" });
        await ConsumedAsync<CancelJob>(worker, 1);
        await worker.Bus.Bus.Publish(Job("log-early"));
        await ConsumedAsync<SubmitJob>(worker, 1);

        var line = Assert.Single(OutcomeLines(worker, "log-early"));
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.Equal(0, worker.Engine.Calls);
    }

    /// <summary>The worker's lines at Information or above that name <paramref name="jobId"/>.</summary>
    private static List<(string Category, EventId EventId, LogLevel Level, string Message)> OutcomeLines(WorkerHarness worker, string jobId) =>
        worker.Logs.Entries.Where(e => e.Category.StartsWith("Pipeline.", StringComparison.Ordinal) && e.Level >= LogLevel.Information
            && e.Message.Contains(jobId, StringComparison.Ordinal)).ToList();

    /// <summary>Waits until <paramref name="count"/> messages of <typeparamref name="T"/> were consumed (the consumer returned).</summary>
    private static async Task ConsumedAsync<T>(WorkerHarness worker, int count)
        where T : class
    {
        // Any returns at the first match; counting more waits for the harness's inactivity timeout, so only when needed.
        Assert.True(await worker.Bus.Consumed.Any<T>(), $"a {typeof(T).Name} consumed");
        if (count > 1)
        {
            await Poll.UntilAsync(() => worker.Bus.Consumed.Select<T>().Count() >= count, $"{count} {typeof(T).Name} consumed");
        }
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };
}
