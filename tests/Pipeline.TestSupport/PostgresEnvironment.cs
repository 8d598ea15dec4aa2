using Xunit;

namespace Pipeline.TestSupport;

/// <summary>
/// Finds the test database: <c>PIPELINE_TEST_POSTGRES</c> (an Npgsql connection string), else the file that
/// <c>scripts/start-services.sh</c> writes (<c>PIPELINE_SERVICES_ENV</c>, default /tmp/pipeline-services.env).
/// </summary>
public static class PostgresEnvironment
{
    public const string Variable = "PIPELINE_TEST_POSTGRES";

    public static readonly string? ConnectionString = ServicesFile.Get(Variable);

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The connection string; throws when there is none (only reached under CI=true, where <see cref="PostgresFactAttribute"/> does not skip).</summary>
    public static string Require() => ConnectionString ?? throw new InvalidOperationException(
        $"{Variable} is not set and CI=true: a missing service in CI is a failure. Run `source scripts/start-services.sh` first.");
}

/// <summary>
/// A test that needs PostgreSQL: skipped with a message when none is configured, except under CI=true, where
/// it runs and fails (a missing service in CI is a failure, never a silent skip).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresEnvironment.ConnectionString is null && !PostgresEnvironment.InCi)
        {
            Skip = $"{PostgresEnvironment.Variable} is not set: run `source scripts/start-services.sh` to provide PostgreSQL";
        }
    }
}
