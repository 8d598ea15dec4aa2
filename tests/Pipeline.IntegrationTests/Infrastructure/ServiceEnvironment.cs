namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>
/// Where the services are, named as scripts/start-services.sh names them: <c>PIPELINE_TEST_POSTGRES</c> (Npgsql
/// connection string), <c>RABBITMQ_URL</c> (amqp://user:pass@host:port/vhost) and <c>RABBITMQ_MANAGEMENT_URL</c>. Read
/// from the environment, else from the file the script writes (<c>PIPELINE_SERVICES_ENV</c>, default
/// /tmp/pipeline-services.env).
/// </summary>
public sealed class ServiceEnvironment
{
    private ServiceEnvironment(string? postgres, Uri? rabbit, Uri? management)
    {
        Postgres = postgres;
        Rabbit = rabbit;
        Management = management;
    }

    /// <summary>
    /// Services of the caller's own (a drill's private PostgreSQL cluster and RabbitMQ node): no management API, so a
    /// <see cref="TestPipeline"/> on them uses the default virtual host and reads queue depths over AMQP.
    /// </summary>
    public static ServiceEnvironment Private(string postgres, Uri rabbit) => new(postgres, rabbit, null);

    /// <summary>The services found, read once per process.</summary>
    public static ServiceEnvironment Current { get; } = Load();

    /// <summary>True under <c>CI=true</c>: a missing service is then a failure, never a skip.</summary>
    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public string? Postgres { get; }
    public Uri? Rabbit { get; }
    public Uri? Management { get; }

    /// <summary>Null when every service is there; otherwise what is missing.</summary>
    public string? Missing =>
        (Postgres is null ? "PIPELINE_TEST_POSTGRES " : "") + (Rabbit is null ? "RABBITMQ_URL " : "") + (Management is null ? "RABBITMQ_MANAGEMENT_URL" : "")
        is { Length: > 0 } missing ? missing.Trim() : null;

    public string RabbitUser => Uri.UnescapeDataString(Rabbit!.UserInfo.Split(':')[0]);
    public string RabbitPassword => Uri.UnescapeDataString(Rabbit!.UserInfo.Split(':') is { Length: 2 } parts ? parts[1] : "");

    private static ServiceEnvironment Load()
    {
        var file = ReadFile(Environment.GetEnvironmentVariable("PIPELINE_SERVICES_ENV") ?? "/tmp/pipeline-services.env");
        string? Get(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : file.GetValueOrDefault(name);
        return new ServiceEnvironment(
            Get("PIPELINE_TEST_POSTGRES"),
            Get("RABBITMQ_URL") is { } rabbit ? new Uri(rabbit) : null,
            Get("RABBITMQ_MANAGEMENT_URL") is { } management ? new Uri(management) : null);
    }

    private static Dictionary<string, string> ReadFile(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (line.StartsWith("export ", StringComparison.Ordinal))
            {
                line = line[7..];
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith('#') || eq <= 0)
            {
                continue;
            }

            values[line[..eq]] = line[(eq + 1)..].Trim('\'', '"');
        }

        return values;
    }
}

/// <summary>
/// A test on real services: skipped with the reason when they are absent, except under <c>CI=true</c>, where it runs
/// (and fails on the missing service).
/// </summary>
public sealed class ServiceFactAttribute : FactAttribute
{
    public ServiceFactAttribute()
    {
        if (ServiceEnvironment.Current.Missing is { } missing && !ServiceEnvironment.IsCi)
        {
            Skip = $"needs RabbitMQ and PostgreSQL: {missing} not set (run: source scripts/start-services.sh)";
        }
    }
}
