using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Engine;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Tests;

/// <summary>
/// The worker as <c>Program</c> wires it (<see cref="WorkerApplication.CreateBuilder"/>), built with the checks the
/// Development environment turns on. Building connects to nothing and loads no model: no broker, database or pack needed.
/// </summary>
public sealed class HostWiringTests
{
    [Fact]
    public void ServiceProvider_ValidatedScopesAndOnBuild_Builds()
    {
        using var app = WorkerApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Host.UseDefaultServiceProvider(o => (o.ValidateScopes, o.ValidateOnBuild) = (true, true))).Build();

        // Asked, not resolved: resolving the engine would load the model pack.
        Assert.True(app.Services.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IJobEngine)));
    }

    [Fact]
    public void BuildOutput_HoldsTheEmbeddedPack_SoTheDefaultSearchFindsIt()
    {
        // The registry's first default folder is <app>/models; `dotnet run` starts the worker in its project folder.
        Assert.True(File.Exists(Path.Join(AppContext.BaseDirectory, "models", "emoji-32", "manifest.json")));
    }

    [Fact]
    public void UsageTelemetry_NothingConfigured_Off()
    {
        using var app = WorkerApplication.CreateBuilder(["--environment", "Testing"]).Build();

        // MassTransit would post usage data to its vendor a few minutes after the bus starts; the host sends nothing unasked.
        var tracker = Assert.IsType<MassTransit.UsageTracking.UsageTracker>(app.Services.GetRequiredService<MassTransit.UsageTracking.IUsageTracker>());
        Assert.False(tracker.Enabled);
    }
}
