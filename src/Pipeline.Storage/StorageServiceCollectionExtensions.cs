using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Fleet;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Outbox;
using Pipeline.Storage.Resilience;
using Pipeline.Storage.Results;
using Pipeline.Storage.Tenancy;
using Polly;

namespace Pipeline.Storage;

/// <summary>The stores' one registration, used by every host (Api, Worker, Scheduler).</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IResultStore"/>, <see cref="IInputStore"/> and <see cref="IJobStore"/> (singletons, each behind
    /// the one storage retry pipeline), the job store's connection pool (<see cref="JobStoreDataSource"/>), the
    /// <see cref="JobStoreMigrator"/> with a hosted service that migrates at start-up, and the <c>postgres</c> health check
    /// (tag <c>ready</c>), <see cref="IEventOutbox"/> (the terminal events' outbox, on the same pool, not retried: a dispatch
    /// that fails is repeated by the next), <see cref="IFleetStore"/> (worker heartbeats and queue figures, on the same pool, not retried) and <see cref="ITenantStore"/> (in-flight counts and input ownership, same pool).
    /// Options bind from <see cref="FileStorageOptions.SectionName"/>, <see cref="JobStoreOptions.SectionName"/>,
    /// <see cref="StorageResilienceOptions.SectionName"/> and <see cref="FleetOptions.SectionName"/> and are validated
    /// (data annotations) at start. Uses the registered <see cref="TimeProvider"/> (adds <see cref="TimeProvider.System"/>
    /// if none) and, when the host has one, its <see cref="IMeterFactory"/> for the retry count. Register it before MassTransit so migrations finish before consumers start.
    /// </summary>
    public static IServiceCollection AddPipelineStorage(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<FileStorageOptions>().BindConfiguration(FileStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<JobStoreOptions>().BindConfiguration(JobStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageResilienceOptions>().BindConfiguration(StorageResilienceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FleetOptions>().BindConfiguration(FleetOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new StoragePipeline(StorageResilience.CreatePipeline(
            sp.GetRequiredService<IOptions<StorageResilienceOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>(),
            metrics: sp.GetService<IMeterFactory>() is { } meters ? new StorageMetrics(meters) : null)));

        services.TryAddSingleton<FileSystemResultStore>();
        services.TryAddSingleton<FileSystemInputStore>();
        services.TryAddSingleton<IResultStore>(sp => new ResilientResultStore(sp.GetRequiredService<FileSystemResultStore>(), sp.GetRequiredService<StoragePipeline>().Pipeline));
        services.TryAddSingleton<IInputStore>(sp => new ResilientInputStore(sp.GetRequiredService<FileSystemInputStore>(), sp.GetRequiredService<StoragePipeline>().Pipeline));

        services.TryAddSingleton<JobStoreDataSource>();
        services.TryAddSingleton(sp => new JobStoreMigrator(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetService<ILogger<JobStoreMigrator>>()));
        services.TryAddSingleton(sp => new PostgresJobStore(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IJobStore>(sp => new ResilientJobStore(sp.GetRequiredService<PostgresJobStore>(), sp.GetRequiredService<StoragePipeline>().Pipeline));
        services.TryAddSingleton<IEventOutbox>(sp => new PostgresEventOutbox(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<IFleetStore>(sp => new PostgresFleetStore(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ITenantStore>(sp => new PostgresTenantStore(
            sp.GetRequiredService<JobStoreDataSource>().DataSource,
            sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, JobStoreMigrationService>());

        services.AddHealthChecks().Add(new HealthCheckRegistration(PostgresHealthCheck.Name,
            sp => new PostgresHealthCheck(() => sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.ConnectionString),
            failureStatus: null, tags: ["ready"]));
        return services;
    }

    /// <summary>The one storage pipeline instance, under a type of its own so it cannot clash with the host's.</summary>
    private sealed record StoragePipeline(ResiliencePipeline Pipeline);
}
