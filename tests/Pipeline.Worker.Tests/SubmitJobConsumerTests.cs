using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Telemetry;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>The job flow over MassTransit's in-memory test harness, a fresh container per test, with a scripted engine.</summary>
public sealed class SubmitJobConsumerTests : IAsyncDisposable
{
    private readonly InMemoryJobStore _jobs = new();
    private readonly InMemoryResultStore _results = new();
    private readonly ScriptedEngine _engine = new();
    private readonly ServiceProvider _provider;
    private readonly ITestHarness _harness;

    public SubmitJobConsumerTests()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IJobStore>(_jobs);
        services.AddSingleton<Pipeline.Storage.Outbox.IEventOutbox>(_jobs.Outbox);
        services.AddSingleton<Pipeline.Worker.Outbox.TerminalEventPublisher>();
        services.AddSingleton<IResultStore>(_results);
        services.AddSingleton<IInputStore>(new EmptyInputStore());
        services.AddSingleton<IJobEngine>(_engine);
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<EngineJobFactory>();
        services.AddSingleton<JobOutcomes>();
        services.AddSingleton<JobsDone>();
        services.AddSingleton<JobRejections>();
        services.AddSingleton<JobLeases>();
        services.AddOptions<ModelOptions>();
        services.AddWorkerTelemetry();
        services.AddSingleton<Pipeline.Webhooks.IWebhookPublisher>(new RecordingWebhookPublisher());
        services.AddOptions<WorkerOptions>().Configure(o =>
        {
            o.Capacity = 4;
            o.RetryLimit = 2;
            o.RetryMinInterval = TimeSpan.FromMilliseconds(10);
            o.RetryMaxInterval = TimeSpan.FromMilliseconds(50);
            o.RetryIntervalDelta = TimeSpan.FromMilliseconds(10);
            o.ProgressInterval = TimeSpan.FromMilliseconds(10);
        });
        services.AddMassTransitTestHarness(x =>
        {
            // The default 1.2 s of inactivity ends the harness's watch for good; the unit suites run in parallel on two
            // cores, where the first publish can come later than that (JIT, topology). Waits end on a match anyway.
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(5));
            x.AddConsumer<SubmitJobConsumer, SubmitJobConsumerDefinition>();
            x.AddConsumer<SubmitJobFaultConsumer, SubmitJobFaultConsumerDefinition>();
            x.AddConsumer<CancelJobConsumer, CancelJobConsumerDefinition>();
            x.AddConsumer<JobCanceledConsumer, JobCanceledConsumerDefinition>();
        });
        _provider = services.BuildServiceProvider(validateScopes: true);
        _harness = _provider.GetRequiredService<ITestHarness>();
    }

    [Fact]
    public async Task Consume_ValidJob_ResultStoredRecordSucceededCompletionPublished()
    {
        await _harness.Start();

        await _harness.Bus.Publish(Job("ok-1"));

        Assert.True(await _harness.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "ok-1"));
        Assert.Equal(JobStatus.Succeeded, _jobs["ok-1"]!.Status);
        Assert.Equal(4, _jobs["ok-1"]!.StepsUsed);
        Assert.Equal(1, _results.Writes);
        Assert.Equal("results/ok-1", _jobs["ok-1"]!.ResultKey);
    }

    [Fact]
    public async Task Consume_RedeliveryOfSucceededJob_AcknowledgedWithoutRunningAgain()
    {
        await _harness.Start();
        await _harness.Bus.Publish(Job("again"));
        Assert.True(await _harness.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "again"));

        await _harness.Bus.Publish(Job("again"));

        var consumer = _harness.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "again").Count() == 2, "the second copy consumed");
        Assert.Equal(1, _engine.Calls);
        Assert.Equal(1, _results.Writes);
    }

    [Fact]
    public async Task Consume_InvalidInput_FailedOnceWithCodeAndNeverRetried()
    {
        _engine.Run = (_, _) => throw new InvalidJobException("image_undecodable", "source image: not an image");
        await _harness.Start();

        await _harness.Bus.Publish(Job("bad"));

        Assert.True(await _harness.Published.Any<JobFailed>(m => m.Context.Message.JobId == "bad"));
        var record = _jobs["bad"]!;
        Assert.Equal(JobStatus.Failed, record.Status);
        Assert.Equal("image_undecodable", record.ErrorCode);
        Assert.False(record.ErrorRetryable);
        Assert.Equal(1, _engine.Calls);
    }

    [Fact]
    public async Task Consume_MissingInput_FailedAsInputNotFound()
    {
        await _harness.Start();

        await _harness.Bus.Publish(Job("missing") with { Kind = JobKinds.Variation, SourceImageKey = "sha256:" + new string('a', 64) });

        Assert.True(await _harness.Published.Any<JobFailed>(m => m.Context.Message.JobId == "missing"));
        Assert.Equal(ContractErrorCodes.InputNotFound, _jobs["missing"]!.ErrorCode);
        Assert.Equal(0, _engine.Calls);
    }

    [Fact]
    public async Task Consume_TransientFaultEveryAttempt_RetriedThenFailedAsRetryable()
    {
        _engine.Run = (_, _) => throw new IOException("disk went away");
        await _harness.Start();

        await _harness.Bus.Publish(Job("flaky"));

        Assert.True(await _harness.Published.Any<JobFailed>(m => m.Context.Message.JobId == "flaky"));
        var record = _jobs["flaky"]!;
        Assert.Equal(SubmitJobFaultConsumer.InternalError, record.ErrorCode);
        Assert.True(record.ErrorRetryable);
        // The exception's text stays in the log; the job says what happened in words its submitter can act on.
        Assert.Equal(SubmitJobFaultConsumer.FaultMessage, record.ErrorMessage);
        Assert.DoesNotContain("disk went away", record.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(3, _engine.Calls);
    }

    [Fact]
    public async Task Cancel_WhileRunning_EngineStoppedRecordCanceledNoResult()
    {
        _engine.Run = ScriptedEngine.UntilCanceled;
        await _harness.Start();
        await _harness.Bus.Publish(Job("long"));
        await _engine.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        await _harness.Bus.Publish(new CancelJob { JobId = "long", Reason = "user" });

        var consumer = _harness.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "long").Any(), "the long job consumed");
        Assert.True(await _harness.Published.Any<JobCanceled>(m => m.Context.Message.JobId == "long"));
        Assert.Equal(JobStatus.Canceled, _jobs["long"]!.Status);
        Assert.False(await _harness.Published.Any<JobCompleted>());
        Assert.Equal(0, _results.Writes);
    }

    [Fact]
    public async Task Consume_CanceledBeforeItRan_SkippedWithoutRunning()
    {
        await _harness.Start();
        await _jobs.InsertAsync(NewJob.From(Job("early")));
        await _jobs.CancelAsync("early", "changed my mind");

        await _harness.Bus.Publish(Job("early"));

        Assert.True(await _harness.GetConsumerHarness<SubmitJobConsumer>().Consumed.Any<SubmitJob>());
        Assert.Equal(JobStatus.Canceled, _jobs["early"]!.Status);
        Assert.Equal(0, _engine.Calls);
    }

    public async ValueTask DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4 };
}
