using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Resilience;
using Pipeline.Storage.Results;
using Polly;

namespace Pipeline.Storage;

/// <summary>Registers the stores, each behind the storage resilience pipeline.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IResultStore"/>, <see cref="IInputStore"/> and <see cref="IJobStore"/> (singletons,
    /// each wrapped in the retry pipeline), the <see cref="JobStoreMigrator"/> and a hosted service that migrates
    /// at start-up. Options bind from <see cref="FileStorageOptions.SectionName"/>,
    /// <see cref="JobStoreOptions.SectionName"/> and <see cref="StorageResilienceOptions.SectionName"/> and are
    /// validated at start. Uses the registered <see cref="TimeProvider"/> (adds <see cref="TimeProvider.System"/>
    /// if none). Register it before MassTransit so migrations finish before consumers start.
    /// </summary>
    public static IServiceCollection AddPipelineStorage(this IServiceCollection services)
    {
        services.AddPipelineFileStorage();
        services.AddPipelineJobStore();
        return services;
    }

    /// <summary>Registers only the file stores (<see cref="IResultStore"/>, <see cref="IInputStore"/>).</summary>
    public static IServiceCollection AddPipelineFileStorage(this IServiceCollection services)
    {
        AddShared(services);
        services.AddOptions<FileStorageOptions>().BindConfiguration(FileStorageOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FileStorageOptions>, OptionsAnnotationsValidator<FileStorageOptions>>());
        services.TryAddSingleton<FileSystemResultStore>();
        services.TryAddSingleton<FileSystemInputStore>();
        services.TryAddSingleton<IResultStore>(sp => new ResilientResultStore(sp.GetRequiredService<FileSystemResultStore>(), sp.GetRequiredService<StoragePipeline>().Pipeline));
        services.TryAddSingleton<IInputStore>(sp => new ResilientInputStore(sp.GetRequiredService<FileSystemInputStore>(), sp.GetRequiredService<StoragePipeline>().Pipeline));
        return services;
    }

    /// <summary>Registers only the PostgreSQL job store, its migrator and the start-up migration.</summary>
    public static IServiceCollection AddPipelineJobStore(this IServiceCollection services)
    {
        AddShared(services);
        services.AddOptions<JobStoreOptions>().BindConfiguration(JobStoreOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<JobStoreOptions>, OptionsAnnotationsValidator<JobStoreOptions>>());
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, JobStoreMigrationService>());
        return services;
    }

    private static void AddShared(IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<StorageResilienceOptions>().BindConfiguration(StorageResilienceOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageResilienceOptions>, OptionsAnnotationsValidator<StorageResilienceOptions>>());
        services.TryAddSingleton(sp => new StoragePipeline(StorageResilience.CreatePipeline(
            sp.GetRequiredService<IOptions<StorageResilienceOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<ILoggerFactory>())));
    }

    /// <summary>The one storage pipeline instance, under a type of its own so it cannot clash with the host's.</summary>
    private sealed record StoragePipeline(ResiliencePipeline Pipeline);
}
