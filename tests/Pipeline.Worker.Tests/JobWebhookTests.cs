using System.Text.Json;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Worker.Consumers;
using Pipeline.Webhooks;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Tests.Fakes;

namespace Pipeline.Worker.Tests;

/// <summary>Which webhook each job outcome hands off, to which URL and under which id; and how the worker turns webhooks on.</summary>
public sealed class JobWebhookTests
{
    private static readonly Uri Callback = new("https://hooks.example/pipeline");

    [Fact]
    public async Task Succeeded_WithCallback_JobCompletedHandedOffOnce_RedeliveryHandsNothingMore()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("hook-ok"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "hook-ok"));
        await worker.Bus.Bus.Publish(Job("hook-ok")); // a redelivery after the ack was lost: announced already, not again

        var consumer = worker.Bus.GetConsumerHarness<SubmitJobConsumer>();
        await Poll.UntilAsync(() => consumer.Consumed.Select<SubmitJob>(m => m.Context.Message.JobId == "hook-ok").Count() == 2, "the second copy consumed");
        var hook = Assert.Single(worker.Webhooks.OfType(WebhookEventTypes.JobCompleted));
        Assert.Equal(Callback, hook.CallbackUrl);
        Assert.Equal(WebhookEvents.EventIdFor(WebhookEventTypes.JobCompleted, "hook-ok"), hook.EventId);
        using var body = JsonDocument.Parse(hook.Body);
        Assert.Equal("job.completed", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("hook-ok", body.RootElement.GetProperty("data").GetProperty("jobId").GetString());
        Assert.Equal(1, worker.Engine.Calls);
    }

    [Fact]
    public async Task FailedForBadInput_WithCallback_JobFailedHandedOff()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = (_, _) => throw new InvalidJobException("image_undecodable", "not an image");
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("hook-bad"));

        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "hook-bad"));
        // The webhook is handed off right after the event is published, so it may trail the harness's view of the event.
        await Poll.UntilAsync(() => !worker.Webhooks.Events.IsEmpty, "the job.failed webhook");
        var hook = Assert.Single(worker.Webhooks.Events);
        Assert.Equal((WebhookEventTypes.JobFailed, Callback), (hook.EventType, hook.CallbackUrl));
        using var body = JsonDocument.Parse(hook.Body);
        Assert.Equal("image_undecodable", body.RootElement.GetProperty("data").GetProperty("code").GetString());
    }

    [Fact]
    public async Task FailedAfterEveryRetry_WithCallback_JobFailedHandedOff()
    {
        await using var worker = new WorkerHarness();
        worker.Engine.Run = (_, _) => throw new IOException("disk gone");
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("hook-flaky"));

        Assert.True(await worker.Bus.Published.Any<JobFailed>(m => m.Context.Message.JobId == "hook-flaky"));
        await Poll.UntilAsync(() => !worker.Webhooks.Events.IsEmpty, "the job.failed webhook");
        Assert.Equal(WebhookEventTypes.JobFailed, Assert.Single(worker.Webhooks.Events).EventType);
    }

    [Fact]
    public async Task Canceled_CallbackFromTheRecordedRequest_JobCanceledHandedOff()
    {
        await using var worker = new WorkerHarness();
        await worker.StartAsync();
        await worker.Jobs.InsertAsync(NewJob.From(Job("hook-cancel")));

        await worker.Bus.Bus.Publish(new CancelJob { JobId = "hook-cancel", Reason = "no longer needed" });

        Assert.True(await worker.Bus.Published.Any<JobCanceled>(m => m.Context.Message.JobId == "hook-cancel"));
        await Poll.UntilAsync(() => !worker.Webhooks.Events.IsEmpty, "the job.canceled webhook");
        var hook = Assert.Single(worker.Webhooks.Events);
        Assert.Equal((WebhookEventTypes.JobCanceled, Callback), (hook.EventType, hook.CallbackUrl));
    }

    [Fact]
    public async Task NoCallback_NothingHandedOff_AndARefusingPublisherNeverFailsTheJob()
    {
        await using var worker = new WorkerHarness();
        worker.Webhooks.Accept = false;
        await worker.StartAsync();

        await worker.Bus.Bus.Publish(Job("quiet") with { CallbackUrl = null });
        await worker.Bus.Bus.Publish(Job("refused"));

        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "quiet"));
        Assert.True(await worker.Bus.Published.Any<JobCompleted>(m => m.Context.Message.JobId == "refused"));
        await Poll.UntilAsync(() => !worker.Webhooks.Events.IsEmpty, "the refused job.completed webhook");
        Assert.Equal(JobStatus.Succeeded, worker.Jobs["refused"]!.Status);
        Assert.Equal(["refused"], worker.Webhooks.Events.Select(e => JsonDocument.Parse(e.Body).RootElement.GetProperty("data").GetProperty("jobId").GetString()));
    }

    [Fact]
    public void AddWorkerWebhooks_NoSecret_DisabledPublisherThatQueuesNothing()
    {
        using var host = Build(new Dictionary<string, string?>());

        var publisher = host.Services.GetRequiredService<IWebhookPublisher>();

        Assert.IsType<DisabledWebhookPublisher>(publisher);
        Assert.False(publisher.TryPublish(WebhookEvents.For(new BatchCompleted
        {
            BatchId = "b", Total = 1, Succeeded = 1, Failed = 0, Canceled = 0, CompletedAt = DateTimeOffset.UtcNow,
        }, Callback)));
    }

    [Fact]
    public async Task DisabledPublisher_InformsAtStartAndWarnsOnlyOnTheFirstDroppedCallback()
    {
        using var logs = new RecordingLoggerProvider();
        using var factory = new LoggerFactoryOf(logs);
        var publisher = new DisabledWebhookPublisher(new Logger<DisabledWebhookPublisher>(factory));

        await publisher.StartAsync(CancellationToken.None);
        for (var i = 0; i < 3; i++)
        {
            Assert.False(publisher.TryPublish(WebhookEvents.For(new JobCanceled { JobId = $"j{i}", CanceledAt = DateTimeOffset.UtcNow }, Callback)));
        }

        var levels = logs.Entries.Select(e => e.Level).ToList();
        Assert.Equal([LogLevel.Information, LogLevel.Warning, LogLevel.Debug, LogLevel.Debug], levels);
    }

    [Fact]
    public void AddWorkerWebhooks_Secret_SigningDispatcherWithOptionsBound()
    {
        using var host = Build(new Dictionary<string, string?>
        {
            [WorkerWebhooks.SecretKey] = new string('s', 32),
            ["Pipeline:Webhooks:Events"] = "job.failed,batch.completed",
            ["Pipeline:Webhooks:AllowPrivateNetworks"] = "true",
        });

        var publisher = host.Services.GetRequiredService<IWebhookPublisher>();
        var options = host.Services.GetRequiredService<IOptions<WebhookOptions>>().Value;

        Assert.IsNotType<DisabledWebhookPublisher>(publisher);
        Assert.Equal(("job.failed,batch.completed", true), (options.Events, options.AllowPrivateNetworks));
        // The global event filter applies: job.canceled is filtered out, so it is not queued.
        Assert.False(publisher.TryPublish(WebhookEvents.For(new JobCanceled { JobId = "j", CanceledAt = DateTimeOffset.UtcNow }, Callback)));
    }

    [Fact]
    public async Task AddWorkerWebhooks_SecretTooShort_StartFailsWithTheReason()
    {
        using var host = Build(new Dictionary<string, string?> { [WorkerWebhooks.SecretKey] = "short" });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Secret", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddLogging();
        builder.AddWorkerWebhooks();
        return builder.Build();
    }

    private static SubmitJob Job(string id) => new() { JobId = id, Kind = JobKinds.Generation, Steps = 4, CallbackUrl = Callback };
}

/// <summary>A logger factory over one provider, for constructing a typed logger by hand.</summary>
internal sealed class LoggerFactoryOf(ILoggerProvider provider) : ILoggerFactory
{
    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

    public void Dispose()
    {
    }
}
