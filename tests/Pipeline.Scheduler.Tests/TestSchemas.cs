using Npgsql;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// Finds the test database as scripts/start-services.sh names it: <c>PIPELINE_TEST_POSTGRES</c>, else the file it
/// writes (<c>PIPELINE_SERVICES_ENV</c>, default /tmp/pipeline-services.env).
/// </summary>
internal static class PostgresEnvironment
{
    public const string Variable = "PIPELINE_TEST_POSTGRES";

    public static readonly string? ConnectionString = Find();

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Require() => ConnectionString ?? throw new InvalidOperationException(
        $"{Variable} is not set and CI=true: a missing service in CI is a failure. Run `source scripts/start-services.sh` first.");

    /// <summary>A fresh schema name; dropped by <see cref="DropSchemaAsync"/>.</summary>
    public static string NewSchema() => "sched_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task DropSchemaAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(Require());
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    private static string? Find()
    {
        var value = Environment.GetEnvironmentVariable(Variable);
        if (!string.IsNullOrWhiteSpace(value))
        {
            return value;
        }

        var file = Environment.GetEnvironmentVariable("PIPELINE_SERVICES_ENV") ?? "/tmp/pipeline-services.env";
        if (!File.Exists(file))
        {
            return null;
        }

        var prefix = $"export {Variable}=";
        var line = File.ReadLines(file).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?[prefix.Length..].Trim('\'', '"');
    }
}

/// <summary>A test that needs PostgreSQL: skipped with a message when none is configured, except under CI=true, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresEnvironment.ConnectionString is null && !PostgresEnvironment.InCi)
        {
            Skip = $"{PostgresEnvironment.Variable} is not set: run `source scripts/start-services.sh` to provide PostgreSQL";
        }
    }
}
