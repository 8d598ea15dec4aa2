using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Pipeline.Api.Hosting;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.Api.Tests;

/// <summary>
/// The telemetry every host gets from the shared builder (<see cref="TelemetryExtensions.AddPipelineTelemetry"/>), as the
/// Api is wired: configured by the standard OTEL_* variables, OTLP only when an endpoint is set, /metrics ahead of the
/// Api's middleware. Building connects to nothing.
/// </summary>
public sealed class TelemetryWiringTests
{
    [Fact]
    public void NoOtlpEndpoint_NoOtlpExporterRegistered_ServiceNamedAfterTheHost()
    {
        var builder = Builder([]);

        Assert.DoesNotContain(builder.Services, IsOtlp);
        using var services = builder.Services.BuildServiceProvider();
        var identity = services.GetRequiredService<ServiceIdentity>();
        Assert.Equal(ApiApplication.ServiceName, identity.ServiceName);
        Assert.StartsWith(Environment.MachineName, identity.InstanceId, StringComparison.Ordinal);
    }

    [Fact]
    public void OtlpEndpointAndOtelNames_Set_OtlpExporterRegisteredAndTheirNamesWin()
    {
        var builder = Builder(new Dictionary<string, string?>
        {
            [TelemetryExtensions.OtlpEndpointVariable] = "http://127.0.0.1:4317",
            [ServiceIdentity.ServiceNameVariable] = "api-eu-1",
            [ServiceIdentity.ResourceAttributesVariable] = "deployment.environment=test, service.instance.id=api-7",
        });

        Assert.Contains(builder.Services, IsOtlp);
        using var services = builder.Services.BuildServiceProvider();
        var identity = services.GetRequiredService<ServiceIdentity>();
        Assert.Equal(("api-eu-1", "api-7"), (identity.ServiceName, identity.InstanceId));
    }

    [Fact]
    public void MetricsEndpoint_RegisteredAsAStartupFilter_SoItRunsBeforeAuthentication()
    {
        var builder = Builder([]);

        Assert.Contains(builder.Services, d => d.ServiceType == typeof(IStartupFilter)
            && d.ImplementationType?.Name == "PrometheusScrapingStartupFilter");
    }

    private static WebApplicationBuilder Builder(Dictionary<string, string?> configuration) =>
        ApiApplication.CreateBuilder(["--environment", "Testing"], builder =>
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(configuration) { ["Pipeline:Api:ApiKeys:0"] = "key" }));

    private static bool IsOtlp(ServiceDescriptor descriptor) =>
        (descriptor.ServiceType.FullName ?? "").Contains("Otlp", StringComparison.Ordinal)
        || (descriptor.ImplementationType?.FullName ?? "").Contains("Otlp", StringComparison.Ordinal);
}
