using Xunit;

namespace Pipeline.TestSupport;

/// <summary>
/// Finds the test broker as <c>scripts/start-services.sh</c> names it: <c>RABBITMQ_URL</c> (amqp://user:pass@host:port/vhost)
/// and <c>RABBITMQ_MANAGEMENT_URL</c> (the management API, which creates a test's own virtual host).
/// </summary>
public static class RabbitMqEnvironment
{
    public const string Variable = "RABBITMQ_URL";

    public const string ManagementVariable = "RABBITMQ_MANAGEMENT_URL";

    public static readonly Uri? Url = ServicesFile.Get(Variable) is { } url ? new Uri(url) : null;

    public static readonly Uri? ManagementUrl = ServicesFile.Get(ManagementVariable) is { } url ? new Uri(url) : null;

    /// <summary>The user name in <see cref="Url"/> (guest when it names none).</summary>
    public static string User => UserInfo(0) ?? "guest";

    /// <summary>The password in <see cref="Url"/> (guest when it names none).</summary>
    public static string Password => UserInfo(1) ?? "guest";

    private static string? UserInfo(int part) =>
        Url?.UserInfo.Split(':') is { } parts && parts.Length > part && parts[part].Length > 0 ? Uri.UnescapeDataString(parts[part]) : null;
}

/// <summary>
/// A test that needs RabbitMQ (with its management API) and PostgreSQL: skipped with a message when one is not configured,
/// except under CI=true, where it runs and fails.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrokerAndDatabaseFactAttribute : FactAttribute
{
    public BrokerAndDatabaseFactAttribute()
    {
        var missing = string.Join(' ', new[]
        {
            RabbitMqEnvironment.Url is null ? RabbitMqEnvironment.Variable : null,
            RabbitMqEnvironment.ManagementUrl is null ? RabbitMqEnvironment.ManagementVariable : null,
            PostgresEnvironment.ConnectionString is null ? PostgresEnvironment.Variable : null,
        }.OfType<string>());
        if (missing.Length > 0 && !PostgresEnvironment.InCi)
        {
            Skip = $"{missing} not set: run `source scripts/start-services.sh` to provide RabbitMQ and PostgreSQL";
        }
    }
}
