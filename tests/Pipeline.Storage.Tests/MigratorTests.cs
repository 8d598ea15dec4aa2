using Npgsql;
using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

public sealed class MigratorTests
{
    [Fact]
    public void Migrations_EmbeddedFromDeploySql_InVersionOrder()
    {
        Assert.NotEmpty(JobStoreMigrator.Migrations);
        Assert.Equal(1, JobStoreMigrator.Migrations[0].Version);
        Assert.Equal(JobStoreMigrator.Migrations.OrderBy(m => m.Version).Select(m => m.Version), JobStoreMigrator.Migrations.Select(m => m.Version));
        var files = Directory.GetFiles(Path.Combine(RepoRoot(), "deploy", "sql"), "*.sql").Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(files, JobStoreMigrator.Migrations.Select(m => m.Name));
    }

    [Theory]
    [InlineData("Public")]
    [InlineData("x\"; DROP TABLE jobs; --")]
    [InlineData("")]
    [InlineData("1abc")]
    public void Constructor_UnsafeSchemaName_Rejected(string schema)
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1");
        Assert.Throws<ArgumentException>(() => new JobStoreMigrator(dataSource, schema));
        Assert.Throws<ArgumentException>(() => new PostgresJobStore(dataSource, schema, TimeProvider.System));
    }

    [PostgresFact]
    public async Task MigrateAsync_Twice_SecondAppliesNothing()
    {
        await using var schema = await PostgresSchema.CreateAsync(migrate: false);

        var first = await schema.Migrator().MigrateAsync();
        var second = await schema.Migrator().MigrateAsync();

        Assert.Equal(JobStoreMigrator.Migrations.Select(m => m.Version), first);
        Assert.Empty(second);
    }

    [PostgresFact]
    public async Task MigrateAsync_ManyProcessesAtOnce_EachMigrationAppliedExactlyOnce()
    {
        await using var schema = await PostgresSchema.CreateAsync(migrate: false);
        var dataSources = Enumerable.Range(0, 6).Select(_ => NpgsqlDataSource.Create(PostgresEnvironment.Require())).ToList();
        try
        {
            // Separate pools stand in for separate processes starting together.
            var results = await Task.WhenAll(dataSources.Select(ds => Task.Run(() => new JobStoreMigrator(ds, schema.Name).MigrateAsync())));

            Assert.Single(results, r => r.Count > 0);
            Assert.Equal(JobStoreMigrator.Migrations.Select(m => m.Version), results.Single(r => r.Count > 0));
            await using var count = schema.DataSource.CreateCommand($"SELECT count(*) FROM \"{schema.Name}\".schema_migrations");
            Assert.Equal((long)JobStoreMigrator.Migrations.Count, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            foreach (var ds in dataSources)
            {
                await ds.DisposeAsync();
            }
        }
    }

    [PostgresFact]
    public async Task MigrateAsync_AppliedMigrationChangedSince_Throws()
    {
        await using var schema = await PostgresSchema.CreateAsync();
        await using (var tamper = schema.DataSource.CreateCommand($"UPDATE \"{schema.Name}\".schema_migrations SET checksum = 'edited' WHERE version = 1"))
        {
            await tamper.ExecuteNonQueryAsync();
        }

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => schema.Migrator().MigrateAsync());

        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
    }

    private static string RepoRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipeline.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
