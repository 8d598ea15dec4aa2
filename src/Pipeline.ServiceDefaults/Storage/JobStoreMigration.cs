using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Resilience;

namespace Pipeline.ServiceDefaults.Storage;

/// <summary>
/// Applies the job store's migrations when the host starts (before the bus consumes: register it first), retrying
/// while PostgreSQL comes up. The migrator's advisory lock lets every replica start at once.
/// </summary>
public sealed class JobStoreMigration(NpgsqlDataSource dataSource, IOptions<JobStoreOptions> options, TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        var retry = StorageResilience.CreatePipeline(new StorageResilienceOptions { MaxRetryAttempts = 10, MaxDelay = TimeSpan.FromSeconds(5) },
            time, loggerFactory, "pipeline-migration");
        var migrator = new JobStoreMigrator(dataSource, options.Value.Schema, loggerFactory.CreateLogger<JobStoreMigrator>());
        await retry.ExecuteAsync(async ct => await migrator.MigrateAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
