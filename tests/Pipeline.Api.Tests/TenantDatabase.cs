using Npgsql;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Tenancy;

namespace Pipeline.Api.Tests;

/// <summary>A migrated schema of its own on the test PostgreSQL (dropped on dispose), with the real job and tenant stores.</summary>
internal sealed class TenantDatabase : IAsyncDisposable
{
    private TenantDatabase(NpgsqlDataSource dataSource, string schema)
    {
        (DataSource, Schema) = (dataSource, schema);
        Jobs = new PostgresJobStore(dataSource, schema, TimeProvider.System);
        Tenants = new PostgresTenantStore(dataSource, schema, TimeProvider.System);
    }

    public NpgsqlDataSource DataSource { get; }

    public string Schema { get; }

    public PostgresJobStore Jobs { get; }

    public PostgresTenantStore Tenants { get; }

    public static async Task<TenantDatabase> CreateAsync()
    {
        var dataSource = NpgsqlDataSource.Create(PostgresEnvironment.Require());
        var database = new TenantDatabase(dataSource, "api_" + Guid.NewGuid().ToString("N"));
        await new JobStoreMigrator(dataSource, database.Schema).MigrateAsync();
        return database;
    }

    /// <summary>The tenant column PostgreSQL derived for a stored job id, or null for no row.</summary>
    public async Task<string?> TenantColumnAsync(string table, string storedId)
    {
        await using var command = DataSource.CreateCommand($"SELECT tenant FROM \"{Schema}\".{table} WHERE id = @id");
        command.Parameters.AddWithValue("id", storedId);
        return (string?)await command.ExecuteScalarAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await using (var command = DataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE"))
        {
            await command.ExecuteNonQueryAsync();
        }

        await DataSource.DisposeAsync();
    }
}
