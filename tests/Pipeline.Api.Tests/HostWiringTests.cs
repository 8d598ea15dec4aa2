using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Pipeline.Api.Hosting;
using Pipeline.Api.Submission;
using Pipeline.ServiceDefaults;

namespace Pipeline.Api.Tests;

/// <summary>
/// The Api as <c>Program</c> wires it (<see cref="ApiApplication.CreateBuilder"/>), built with the checks the Development
/// environment turns on. Building connects to nothing: no broker, no database is needed.
/// </summary>
public sealed class HostWiringTests
{
    [Fact]
    public void ServiceProvider_ValidatedScopesAndOnBuild_Builds()
    {
        using var app = ApiApplication.CreateBuilder(["--environment", "Testing"], builder =>
        {
            // Kestrel's limits come from the Api's options, which WebApplication reads while it is built.
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:Api:ApiKeys:0"] = "key" });
            builder.Host.UseDefaultServiceProvider(o => (o.ValidateScopes, o.ValidateOnBuild) = (true, true));
        }).Build();

        // The submitter sends through MassTransit's scoped send-endpoint provider, so it lives in a request scope.
        using var scope = app.Services.CreateScope();
        Assert.NotNull(scope.ServiceProvider.GetRequiredService<JobSubmitter>());
    }

    [Fact]
    public void DefaultAddress_NothingConfigured_LoopbackOnTheApiPort()
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());

        builder.UseLoopbackUnlessConfigured(ApiApplication.DefaultPort);

        Assert.Equal("http://127.0.0.1:8080", builder.Configuration["urls"]);
    }

    [Theory]
    [InlineData("urls", "http://0.0.0.0:9000")]
    [InlineData("http_ports", "9000")]
    [InlineData("Kestrel:Endpoints:Http:Url", "http://0.0.0.0:9000")]
    public void DefaultAddress_AddressConfigured_LeftAsConfigured(string key, string value)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });

        builder.UseLoopbackUnlessConfigured(ApiApplication.DefaultPort);

        Assert.Equal(key == "urls" ? value : null, builder.Configuration["urls"]);
    }

    [Fact]
    public void UsageTelemetry_NothingConfigured_Off()
    {
        using var app = ApiApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Pipeline:Api:ApiKeys:0"] = "key" })).Build();

        // MassTransit would post usage data to its vendor a few minutes after the bus starts; the host sends nothing unasked.
        var tracker = Assert.IsType<MassTransit.UsageTracking.UsageTracker>(app.Services.GetRequiredService<MassTransit.UsageTracking.IUsageTracker>());
        Assert.False(tracker.Enabled);
    }
}
