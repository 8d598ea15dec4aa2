namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// A test that restarts the broker with <c>rabbitmqctl</c>: skipped, with the reason, where the services are absent or
/// the broker is not local (no <c>rabbitmqctl</c> to restart it with), instead of passing without having run; under
/// <c>CI=true</c> it always runs, as <see cref="ServiceFactAttribute"/> does.
/// </summary>
public sealed class LocalBrokerFactAttribute : FactAttribute
{
    /// <summary>Where the broker's control tool lives on a host that runs RabbitMQ itself.</summary>
    public const string RabbitCtlPath = "/usr/sbin/rabbitmqctl";

    public LocalBrokerFactAttribute()
    {
        if (ServiceEnvironment.IsCi)
        {
            return;
        }

        if (ServiceEnvironment.Current.Missing is { } missing)
        {
            Skip = $"needs RabbitMQ and PostgreSQL: {missing} not set (run: source scripts/start-services.sh)";
        }
        else if (!File.Exists(RabbitCtlPath))
        {
            Skip = $"restarts the broker with {RabbitCtlPath}, which this host lacks: the broker is not local";
        }
    }
}
