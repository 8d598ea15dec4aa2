using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Resilience;
using Pipeline.Storage.Results;

namespace Pipeline.Storage.Tests;

public sealed class ServiceRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddPipelineStorage();
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
    }

    [Fact]
    public void AddPipelineStorage_EmptyRootPath_FailsOptionsValidation()
    {
        using var provider = Build(new() { ["Pipeline:Storage:Files:RootPath"] = "" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<FileStorageOptions>>().Value);

        Assert.Contains("RootPath", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPipelineStorage_NothingConfigured_DefaultsToTheLocalDatabaseAndOneAbsoluteRoot()
    {
        using var provider = Build([]);

        var files = provider.GetRequiredService<IOptions<FileStorageOptions>>().Value;
        var jobs = provider.GetRequiredService<IOptions<JobStoreOptions>>().Value;

        // The same root whatever the working directory: every host on the machine shares it.
        Assert.True(Path.IsPathFullyQualified(files.RootPath), files.RootPath);
        Assert.Equal("pipeline", Path.GetFileName(files.RootPath));
        Assert.Equal("Host=localhost;Username=pipeline;Password=pipeline;Database=pipeline", jobs.ConnectionString);
    }

    [Fact]
    public void AddPipelineStorage_Registered_PostgresHealthCheckOnceTaggedReady()
    {
        using var provider = Build([]);

        var checks = provider.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations;

        var postgres = Assert.Single(checks, c => c.Name == "postgres");
        Assert.Contains("ready", postgres.Tags);
    }

    [Fact]
    public void AddPipelineStorage_BadSchemaOrRetryCount_FailsOptionsValidation()
    {
        using var provider = Build(new()
        {
            ["Pipeline:Storage:Jobs:ConnectionString"] = "Host=127.0.0.1",
            ["Pipeline:Storage:Jobs:Schema"] = "Bad-Name",
            ["Pipeline:Storage:Resilience:MaxRetryAttempts"] = "99",
        });

        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<JobStoreOptions>>().Value);
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StorageResilienceOptions>>().Value);
    }

    [PostgresFact]
    public async Task AddPipelineStorage_HostStart_MigratesAndServesResilientStores()
    {
        await using var db = await PostgresSchema.CreateAsync(migrate: false);
        using var folder = new TempFolder();
        await using var provider = Build(new()
        {
            ["Pipeline:Storage:Files:RootPath"] = folder.Path,
            ["Pipeline:Storage:Jobs:ConnectionString"] = PostgresEnvironment.Require(),
            ["Pipeline:Storage:Jobs:Schema"] = db.Name,
        });

        foreach (var hosted in provider.GetServices<IHostedService>())
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        Assert.IsType<ResilientJobStore>(provider.GetRequiredService<IJobStore>());
        Assert.IsType<ResilientResultStore>(provider.GetRequiredService<IResultStore>());
        Assert.IsType<ResilientInputStore>(provider.GetRequiredService<IInputStore>());
        Assert.Empty(await provider.GetRequiredService<JobStoreMigrator>().MigrateAsync());
        var insert = await provider.GetRequiredService<IJobStore>().InsertAsync(new NewJob { JobId = "j", Kind = "generation", Priority = "standard", RequestJson = "{}" });
        Assert.True(insert.Created);
    }
}
