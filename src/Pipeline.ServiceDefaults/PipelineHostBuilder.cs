using Microsoft.AspNetCore.Builder;
using Pipeline.ServiceDefaults.Telemetry;

namespace Pipeline.ServiceDefaults;

/// <summary>How every host's <c>XApplication</c> starts its builder, so the three hosts are set up alike.</summary>
public static class PipelineHostBuilder
{
    /// <summary>
    /// A web application builder with the caller's last say (<paramref name="configure"/>, before anything is added: tests
    /// add configuration there), the loopback default address on <paramref name="defaultPort"/>
    /// (<see cref="LoopbackDefaultAddress"/>), the service defaults (<see cref="ServiceDefaultsExtensions.AddServiceDefaults"/>)
    /// and OpenTelemetry as <paramref name="serviceName"/> (<see cref="TelemetryExtensions.AddPipelineTelemetry"/>).
    /// The host adds its own services next.
    /// </summary>
    public static WebApplicationBuilder Create(string[] args, string serviceName, int defaultPort, Action<WebApplicationBuilder>? configure)
    {
        var builder = WebApplication.CreateBuilder(args);
        configure?.Invoke(builder);
        builder.UseLoopbackUnlessConfigured(defaultPort);
        builder.AddServiceDefaults();
        builder.AddPipelineTelemetry(serviceName);
        return builder;
    }
}
