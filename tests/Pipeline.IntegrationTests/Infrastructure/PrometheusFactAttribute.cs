namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A test on real services that also starts Prometheus (<see cref="PrometheusEnvironment"/>): skipped with the reason when
/// the services or the binary are absent, except under <c>CI=true</c>, where it runs and fails on what is missing.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (ServiceEnvironment.IsCi)
        {
            return;
        }

        if (ServiceEnvironment.Current.Missing is { } missing)
        {
            Skip = $"needs RabbitMQ and PostgreSQL: {missing} not set (run: source scripts/start-services.sh)";
        }
        else if (PrometheusEnvironment.Binary is null)
        {
            Skip = $"needs Prometheus: {PrometheusEnvironment.Variable} not set and no {PrometheusEnvironment.DebianPath} (run: source scripts/start-services.sh)";
        }
    }
}
