using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Pipeline.Engine;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Webhooks;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Hosting;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Outbox;
using Pipeline.Storage.Outbox;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>
/// The worker's consumers over MassTransit's in-memory harness with in-memory stores, a scripted engine and a webhook
/// publisher that records what it is handed. Without <c>jobConsumer</c>, jobs the batch consumer sends are only recorded
/// as sent (nothing runs them), so a test can look at exactly what a fan-out sent.
/// </summary>
internal sealed class WorkerHarness : IAsyncDisposable
{
    private readonly ServiceProvider _provider;

    public WorkerHarness(bool jobConsumer = true)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IJobStore>(Jobs);
        services.AddSingleton<IEventOutbox>(Jobs.Outbox);
        services.AddSingleton<TerminalEventPublisher>();
        services.AddSingleton<IResultStore>(Results);
        services.AddSingleton<IInputStore>(new EmptyInputStore());
        services.AddSingleton<IJobEngine>(Engine);
        services.AddSingleton<IWebhookPublisher>(Webhooks);
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<EngineJobFactory>();
        services.AddSingleton<JobOutcomes>();
        services.AddSingleton(Done);
        services.AddSingleton<JobRejections>();
        services.AddSingleton<JobLeases>();
        services.AddOptions<ModelOptions>();
        services.AddWorkerTelemetry();
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
            // Waits end on a match; only a wait that finds nothing lasts the inactivity timeout (a loaded machine needs slack).
            x.SetTestTimeouts(testTimeout: TimeSpan.FromSeconds(30), testInactivityTimeout: TimeSpan.FromSeconds(5));
            x.AddConsumer<SubmitBatchConsumer, SubmitBatchConsumerDefinition>();
            x.AddConsumer<CancelJobConsumer, CancelJobConsumerDefinition>();
            if (jobConsumer)
            {
                x.AddConsumer<SubmitJobConsumer, SubmitJobConsumerDefinition>();
                x.AddConsumer<SubmitJobFaultConsumer, SubmitJobFaultConsumerDefinition>();
                x.AddConsumer<JobCanceledConsumer, JobCanceledConsumerDefinition>();
            }
        });
        _provider = services.BuildServiceProvider(validateScopes: true);
        Bus = _provider.GetRequiredService<ITestHarness>();
    }

    public InMemoryJobStore Jobs { get; } = new();

    public InMemoryResultStore Results { get; } = new();

    public ScriptedEngine Engine { get; } = new();

    public RecordingWebhookPublisher Webhooks { get; } = new();

    /// <summary>The jobs-done counter the fleet view reports.</summary>
    public JobsDone Done { get; } = new();

    public RecordingLoggerProvider Logs { get; } = new();

    public ITestHarness Bus { get; }

    /// <summary>The container, for the services a test drives directly.</summary>
    public IServiceProvider Services => _provider;

    public Task StartAsync() => Bus.Start();

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await _provider.DisposeAsync();
    }
}
