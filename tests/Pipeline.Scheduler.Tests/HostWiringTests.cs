using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Scheduler.Hosting;
using Pipeline.Scheduler.Schedules;
using Pipeline.Storage;

namespace Pipeline.Scheduler.Tests;

/// <summary>
/// The scheduler as <c>Program</c> wires it (<see cref="SchedulerApplication.CreateBuilder"/>), built with the checks the
/// Development environment turns on. Building connects to nothing: no broker, no database (Hangfire's storage is
/// created on first use) is needed.
/// </summary>
public sealed class HostWiringTests
{
    [Fact]
    public void ServiceProvider_ValidatedScopesAndOnBuild_Builds()
    {
        using var app = SchedulerApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Host.UseDefaultServiceProvider(o => (o.ValidateScopes, o.ValidateOnBuild) = (true, true))).Build();

        // Asked, not resolved: resolving Hangfire's storage would connect to PostgreSQL.
        Assert.True(app.Services.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IScheduleStore)));
    }

    [Fact]
    public void Roots_NotConfigured_SourcesAndDatasetsUnderTheFileStoreRoot()
    {
        using var app = SchedulerApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pipeline:Storage:Files:RootPath"] = "/srv/pipeline",
                ["Pipeline:Scheduler:ApiKeys:0"] = "key",
            })).Build();

        var options = app.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value;

        Assert.Equal("/srv/pipeline/sources", options.SourceRoot);
        Assert.Equal("/srv/pipeline/datasets", options.OutputRoot);
        Assert.Equal("/srv/pipeline", app.Services.GetRequiredService<IOptions<FileStorageOptions>>().Value.RootPath);
    }

    [Fact]
    public void Roots_Configured_KeptAsConfigured()
    {
        using var app = SchedulerApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Pipeline:Storage:Files:RootPath"] = "/srv/pipeline",
                ["Pipeline:Scheduler:SourceRoot"] = "/mnt/sources",
                ["Pipeline:Scheduler:OutputRoot"] = "/mnt/datasets",
                ["Pipeline:Scheduler:ApiKeys:0"] = "key",
            })).Build();

        var options = app.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value;

        Assert.Equal("/mnt/sources", options.SourceRoot);
        Assert.Equal("/mnt/datasets", options.OutputRoot);
    }

    [Fact]
    public void UsageTelemetry_NothingConfigured_Off()
    {
        using var app = SchedulerApplication.CreateBuilder(["--environment", "Testing"]).Build();

        // MassTransit would post usage data to its vendor a few minutes after the bus starts; the host sends nothing unasked.
        var tracker = Assert.IsType<MassTransit.UsageTracking.UsageTracker>(app.Services.GetRequiredService<MassTransit.UsageTracking.IUsageTracker>());
        Assert.False(tracker.Enabled);
    }

    [Theory]
    [InlineData("Production")]
    [InlineData("Development")]
    public void Logging_ShippedSettings_DatabaseCommandsBelowInformation(string environment)
    {
        // The host's own appsettings, read from its project folder as `dotnet run` and the image do.
        var contentRoot = Path.Join(RepoRoot(), "src", "Pipeline.Scheduler");
        using var app = SchedulerApplication.CreateBuilder(["--contentRoot", contentRoot, "--environment", environment]).Build();
        var loggers = app.Services.GetRequiredService<ILoggerFactory>();

        // Npgsql writes every SQL command at Information; the reconciler's queries every minute would bury the log.
        Assert.False(loggers.CreateLogger("Npgsql.Command").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("Npgsql.Command").IsEnabled(LogLevel.Warning));
        Assert.True(loggers.CreateLogger("Pipeline.Scheduler.Runs.AugmentationRunner").IsEnabled(LogLevel.Information));
    }

    private static string RepoRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Join(directory.FullName, "Pipeline.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Pipeline.sln above {AppContext.BaseDirectory}");
    }
}
