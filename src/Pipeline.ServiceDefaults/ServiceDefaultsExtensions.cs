using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Pipeline.ServiceDefaults;

/// <summary>Logging and health endpoints every host adds first (eShop's ServiceDefaults, without telemetry exporters).</summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>Single-line console logs with UTC timestamps, and the health-check service (hosts add their checks).</summary>
    public static IHostApplicationBuilder AddServiceDefaults(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        });
        builder.Services.AddHealthChecks();
        return builder;
    }

    /// <summary>The readiness endpoint: every check (broker, database, queues, model pack), 503 unless all are healthy.</summary>
    public const string ReadinessPath = "/healthz";

    /// <summary>The liveness endpoint: 200 while the process answers HTTP, whatever its dependencies say.</summary>
    public const string LivenessPath = "/alive";

    /// <summary>
    /// <see cref="ReadinessPath"/> (JSON per check) and <see cref="LivenessPath"/> (no checks), both anonymous.
    /// Readiness answers 503 for <see cref="HealthStatus.Degraded"/> too, not only for Unhealthy: MassTransit reports its bus
    /// Degraded while some of its receive endpoints are down (Unhealthy only once all of them are), which ASP.NET Core
    /// would answer with 200, so a worker whose job queue lost the broker would stay "ready". An orchestrator takes such a
    /// host out of service and leaves it running (liveness), as it reconnects by itself.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var readiness = new HealthCheckOptions { ResponseWriter = WriteReport };
        readiness.ResultStatusCodes[HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable;
        app.MapHealthChecks(ReadinessPath, readiness).AllowAnonymous();
        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        return app;
    }

    private static Task WriteReport(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description ?? e.Value.Exception?.Message,
                durationMs = e.Value.Duration.TotalMilliseconds,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions));
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
