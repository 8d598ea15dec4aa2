using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Pipeline.Storage.Jobs;

/// <summary>
/// Healthy when <c>SELECT 1</c> answers over the job store's connection string. Registered as <c>postgres</c> (tag
/// <c>ready</c>) by <see cref="StorageServiceCollectionExtensions.AddPipelineStorage"/>, once for every host.
/// </summary>
internal sealed class PostgresHealthCheck(Func<string> connectionString) : IHealthCheck
{
    /// <summary>The check's name in <c>/healthz</c>.</summary>
    public const string Name = "postgres";

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await using var connection = new NpgsqlConnection(connectionString());
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "PostgreSQL does not answer", e);
        }
    }
}
