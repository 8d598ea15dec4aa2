using Npgsql;

namespace Pipeline.Scheduler.Tests;

/// <summary>A schema of its own for each scheduler test host on the shared test database (<see cref="PostgresEnvironment"/>).</summary>
internal static class TestSchemas
{
    /// <summary>A fresh schema name; dropped by <see cref="DropAsync"/>.</summary>
    public static string NewName() => "sched_" + Guid.NewGuid().ToString("N")[..12];

    public static async Task DropAsync(string schema)
    {
        await using var dataSource = NpgsqlDataSource.Create(PostgresEnvironment.Require());
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
