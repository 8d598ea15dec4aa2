using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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
}
