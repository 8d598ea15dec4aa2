namespace Pipeline.TestSupport;

/// <summary>
/// Finds the Prometheus binary the telemetry tests start: <c>PIPELINE_TEST_PROMETHEUS</c> (a path), else the line the file
/// of <c>scripts/start-services.sh</c> writes (<c>PIPELINE_SERVICES_ENV</c>, default /tmp/pipeline-services.env), else
/// Debian's <c>/usr/bin/prometheus</c> when present. Like <see cref="PostgresEnvironment"/>, a missing binary skips a test
/// with the reason, except under <c>CI=true</c>, where it is a failure.
/// </summary>
public static class PrometheusEnvironment
{
    public const string Variable = "PIPELINE_TEST_PROMETHEUS";

    /// <summary>Where Debian's <c>prometheus</c> package puts it.</summary>
    public const string DebianPath = "/usr/bin/prometheus";

    /// <summary>The binary, or null when none was found.</summary>
    public static readonly string? Binary = Find();

    /// <summary>The binary; throws when there is none (only reached under CI=true, where tests do not skip).</summary>
    public static string Require() => Binary ?? throw new InvalidOperationException(
        $"{Variable} is not set, no prometheus at {DebianPath}, and CI=true: a missing service in CI is a failure. Run `source scripts/start-services.sh` first.");

    private static string? Find()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(value))
        {
            var file = Environment.GetEnvironmentVariable("PIPELINE_SERVICES_ENV") ?? "/tmp/pipeline-services.env";
            var prefix = $"export {Variable}=";
            value = File.Exists(file)
                ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..].Trim('\'', '"')
                : null;
        }

        if (!string.IsNullOrWhiteSpace(value))
        {
            return File.Exists(value) ? value : null;
        }

        return File.Exists(DebianPath) ? DebianPath : null;
    }
}
