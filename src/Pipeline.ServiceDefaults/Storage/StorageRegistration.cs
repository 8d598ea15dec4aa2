using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.ServiceDefaults.Health;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Resilience;
using Pipeline.Storage.Results;

namespace Pipeline.ServiceDefaults.Storage;

/// <summary>
/// The stores both hosts use, each behind the storage Polly pipeline: PostgreSQL job records (migrated at start when
/// <see cref="JobStoreOptions.MigrateOnStart"/>), file results and inputs. Options bound from
/// <c>Pipeline:Storage:*</c> and validated at start.
/// </summary>
public static class StorageRegistration
{
    /// <summary>Registers <see cref="IJobStore"/>, <see cref="IResultStore"/>, <see cref="IInputStore"/> and the <c>postgres</c> health check.</summary>
    public static IHostApplicationBuilder AddPipelineStores(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<JobStoreOptions>().BindConfiguration(JobStoreOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<FileStorageOptions>().BindConfiguration(FileStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<StorageResilienceOptions>().BindConfiguration(StorageResilienceOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);

        services.AddSingleton(sp => NpgsqlDataSource.Create(sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.ConnectionString));
        services.AddKeyedSingleton(nameof(StorageRegistration), (sp, _) => StorageResilience.CreatePipeline(
            sp.GetRequiredService<IOptions<StorageResilienceOptions>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILoggerFactory>()));

        services.AddSingleton<IJobStore>(sp => new ResilientJobStore(
            new PostgresJobStore(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.Schema,
                sp.GetRequiredService<TimeProvider>()),
            sp.GetRequiredKeyedService<Polly.ResiliencePipeline>(nameof(StorageRegistration))));
        services.AddSingleton<IResultStore>(sp => new ResilientResultStore(
            new FileSystemResultStore(sp.GetRequiredService<IOptions<FileStorageOptions>>()),
            sp.GetRequiredKeyedService<Polly.ResiliencePipeline>(nameof(StorageRegistration))));
        services.AddSingleton<IInputStore>(sp => new ResilientInputStore(
            new FileSystemInputStore(sp.GetRequiredService<IOptions<FileStorageOptions>>()),
            sp.GetRequiredKeyedService<Polly.ResiliencePipeline>(nameof(StorageRegistration))));

        services.AddHostedService<JobStoreMigration>();
        services.AddHealthChecks().AddJobStorePostgres();
        return builder;
    }
}
