using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// Applies migrations when the host starts (when <see cref="JobStoreOptions.MigrateOnStart"/>), before the host
/// starts consuming: hosted services start in registration order, so register storage before MassTransit.
/// </summary>
internal sealed class JobStoreMigrationService(JobStoreMigrator migrator, IOptions<JobStoreOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.MigrateOnStart)
        {
            await migrator.MigrateAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
