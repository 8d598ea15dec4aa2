using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

/// <summary>A schema of its own for one test (so tests run in parallel on one database), dropped on dispose.</summary>
internal sealed class PostgresSchema : IAsyncDisposable
{
    private PostgresSchema(NpgsqlDataSource dataSource, string name)
    {
        DataSource = dataSource;
        Name = name;
        Store = new PostgresJobStore(dataSource, name, Time);
    }

    public NpgsqlDataSource DataSource { get; }

    public string Name { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public PostgresJobStore Store { get; }

    public JobStoreMigrator Migrator() => new(DataSource, Name);

    /// <summary>A fresh schema name; migrated unless <paramref name="migrate"/> is false.</summary>
    public static async Task<PostgresSchema> CreateAsync(bool migrate = true)
    {
        var dataSource = NpgsqlDataSource.Create(PostgresEnvironment.Require());
        var schema = new PostgresSchema(dataSource, "t_" + Guid.NewGuid().ToString("N"));
        if (migrate)
        {
            await schema.Migrator().MigrateAsync();
        }

        return schema;
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Name}\" CASCADE"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }
}
