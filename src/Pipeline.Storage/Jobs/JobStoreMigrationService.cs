using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Resilience;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// Applies the job store's migrations when the host starts (when <see cref="JobStoreOptions.MigrateOnStart"/>), before
/// the host starts consuming: hosted services start in registration order, so register storage before MassTransit.
/// Transient faults are retried for about half a minute, so a host started together with PostgreSQL waits for it; the
/// migrator's advisory lock lets every replica start at once.
/// </summary>
internal sealed class JobStoreMigrationService(JobStoreMigrator migrator, IOptions<JobStoreOptions> options, TimeProvider time,
    ILoggerFactory loggerFactory) : IHostedService
{
    /// <summary>Ten retries, the backoff capped at 5 s: about 30 s for PostgreSQL to come up.</summary>
    private static readonly StorageResilienceOptions StartupRetry = new() { MaxRetryAttempts = 10, MaxDelay = TimeSpan.FromSeconds(5) };

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart)
        {
            return;
        }

        var retry = StorageResilience.CreatePipeline(StartupRetry, time, loggerFactory, "pipeline-migration");
        await retry.ExecuteAsync(async ct => await migrator.MigrateAsync(ct).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
