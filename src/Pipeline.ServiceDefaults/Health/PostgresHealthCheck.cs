using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Pipeline.Storage.Jobs;

namespace Pipeline.ServiceDefaults.Health;

/// <summary>Healthy when <c>SELECT 1</c> answers over the job store's connection string.</summary>
public sealed class PostgresHealthCheck(Func<string> connectionString) : IHealthCheck
{
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

/// <summary>Registration of <see cref="PostgresHealthCheck"/>, shared by every host that keeps job records.</summary>
public static class PostgresHealthCheckRegistration
{
    /// <summary>The <c>postgres</c> check (tag <c>ready</c>) over <c>Pipeline:Storage:Jobs:ConnectionString</c>.</summary>
    public static IHealthChecksBuilder AddJobStorePostgres(this IHealthChecksBuilder checks) =>
        checks.Add(new HealthCheckRegistration("postgres",
            sp => new PostgresHealthCheck(() => sp.GetRequiredService<IOptions<JobStoreOptions>>().Value.ConnectionString),
            failureStatus: null, tags: ["ready"]));
}
