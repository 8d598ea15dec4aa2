using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>
/// Puts OpenTelemetry's Prometheus scrape endpoint, <c>/metrics</c>, in front of the host's own middleware: it answers
/// before authentication runs, so it is anonymous on every host (the Api otherwise requires an API key), and no host
/// has to remember to map it.
/// </summary>
internal sealed class PrometheusScrapingStartupFilter : IStartupFilter
{
    /// <summary>The scrape path, as deploy/prometheus/prometheus.yml and the PodMonitor expect it.</summary>
    public const string Path = "/metrics";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.UseOpenTelemetryPrometheusScrapingEndpoint(Path);
        next(app);
    };
}
