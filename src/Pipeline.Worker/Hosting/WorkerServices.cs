using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Engine;
using Pipeline.Messaging;
using Pipeline.Storage;
using Pipeline.Worker.Consumers;
using Pipeline.Worker.Jobs;
using Pipeline.Worker.Outbox;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Hosting;

/// <summary>Everything the worker host registers (eShop's AddApplicationServices).</summary>
public static class WorkerServices
{
    /// <summary>Options, stores, the model registry and engine, webhooks, the consumers and the bus.</summary>
    public static IHostApplicationBuilder AddWorkerServices(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<WorkerOptions>().BindConfiguration(WorkerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<ModelOptions>().BindConfiguration(ModelOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();

        // Registered before the bus: hosted services start in order, so the schema and the model are ready before a message arrives.
        services.AddPipelineStorage();
        services.AddWorkerTelemetry();
        AddEngine(services);
        services.AddSingleton<ModelWarmup>();
        services.AddHostedService(sp => sp.GetRequiredService<ModelWarmup>());
        services.AddHealthChecks().Add(new Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckRegistration("model-pack",
            sp => sp.GetRequiredService<ModelWarmup>(), failureStatus: null, tags: ["ready"]));

        // Before the bus: the webhook dispatcher starts before the first event and stops after the consumers.
        builder.AddWorkerWebhooks();
        services.AddSingleton<RunningJobs>();
        services.AddSingleton<EngineJobFactory>();
        services.AddSingleton<JobOutcomes>();
        services.AddSingleton<JobRejections>();
        services.AddSingleton<JobLeases>();
        // Before the bus: stops after the consumers, so the leases of jobs finishing during a graceful stop stay renewed.
        services.AddHostedService<JobLeaseRenewer>();
        services.AddSingleton<TerminalEventPublisher>();
        services.AddHostedService<BacklogMonitor>();
        services.AddWorkerHeartbeat();

        services.AddPipelineBus(x =>
        {
            x.AddConsumer<SubmitJobConsumer, SubmitJobConsumerDefinition>();
            x.AddConsumer<SubmitBatchConsumer, SubmitBatchConsumerDefinition>();
            x.AddConsumer<SubmitJobFaultConsumer, SubmitJobFaultConsumerDefinition>();
            x.AddConsumer<CancelJobConsumer, CancelJobConsumerDefinition>();
            x.AddConsumer<JobCanceledConsumer, JobCanceledConsumerDefinition>();
        });
        // After the bus: it publishes on it, so it starts once the bus is connected (and stops before it).
        services.AddHostedService<OutboxDispatcherService>();

        // Graceful stop: the bus stops taking messages, in-flight jobs get ShutdownTimeout to finish, then their tokens fire
        // and their messages return to the queue unacknowledged for another worker.
        services.AddOptions<MassTransitHostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
        {
            host.WaitUntilStarted = true;
            host.ConsumerStopTimeout = worker.Value.ShutdownTimeout;
            host.StopTimeout = worker.Value.ShutdownTimeout + TimeSpan.FromSeconds(10);
        });
        services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
            host.ShutdownTimeout = worker.Value.ShutdownTimeout + TimeSpan.FromSeconds(20));
        return builder;
    }

    /// <summary>
    /// The engine over the configured packs: slots from <see cref="WorkerOptions.Capacity"/>, degradation from
    /// <see cref="ModelOptions.DegradeUnderBacklog"/>, and the deployment's step budgets per pack and class from
    /// <see cref="EngineOptions.BudgetsSection"/> (each pack otherwise runs its own manifest's budgets); the decode's overlap
    /// from <see cref="EngineOptions.Section"/>.
    /// </summary>
    internal static void AddEngine(IServiceCollection services)
    {
        services.AddPipelineEngine(sp => sp.GetRequiredService<IOptions<ModelOptions>>().Value.ToRegistryOptions());
        services.AddOptions<EngineOptions>()
            .Configure<IConfiguration>((engine, configuration) =>
            {
                configuration.GetSection(EngineOptions.BudgetsSection).Bind(engine.Budgets);
                // Pipeline:Engine:OverlapDecode and Pipeline:Engine:MaxFinishingBatches (the decode overlapped with the next forward).
                var section = configuration.GetSection(EngineOptions.Section);
                engine.OverlapDecode = section.GetValue(nameof(EngineOptions.OverlapDecode), engine.OverlapDecode);
                engine.MaxFinishingBatches = section.GetValue(nameof(EngineOptions.MaxFinishingBatches), engine.MaxFinishingBatches);
            })
            .Configure<IConfiguration>((engine, configuration) =>
                engine.CanvasOnePassMaxTokens = configuration.GetValue(EngineOptions.CanvasOnePassMaxTokensKey, engine.CanvasOnePassMaxTokens))
            .Configure<IOptions<WorkerOptions>, IOptions<ModelOptions>>((engine, worker, models) =>
            {
                engine.MaxBatch = worker.Value.Capacity;
                engine.DegradeUnderBacklog = models.Value.DegradeUnderBacklog;
            });
    }
}
