using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.ServiceDefaults.Telemetry;

/// <summary>OpenTelemetry for every host, set up once (docs/operations.md, "Metrics" and "Following one job's trace").</summary>
public static class TelemetryExtensions
{
    /// <summary>The standard variable whose presence turns the OTLP exporter on (traces, metrics and logs).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>MassTransit's own activity source and meter: send, receive and consume spans; message counts and durations.</summary>
    public const string MassTransitSource = "MassTransit";

    /// <summary>
    /// Traces, metrics and log correlation, configured by the standard <c>OTEL_*</c> variables:
    /// <list type="bullet">
    /// <item>resource: <c>service.name</c> (<c>OTEL_SERVICE_NAME</c>, else <paramref name="serviceName"/>),
    /// <c>service.instance.id</c>, <c>service.version</c> (<see cref="ServiceIdentity"/>, registered as a singleton), plus
    /// <c>OTEL_RESOURCE_ATTRIBUTES</c>;</item>
    /// <item>traces: the <see cref="PipelineTelemetry.ActivitySourceName"/> source, MassTransit (W3C trace context travels
    /// in the message headers), ASP.NET Core (not <c>/metrics</c>, <c>/healthz</c>, <c>/alive</c>), HttpClient and Npgsql;
    /// sampling from <c>OTEL_TRACES_SAMPLER</c> / <c>OTEL_TRACES_SAMPLER_ARG</c> (default: parent-based, always on);</item>
    /// <item>metrics: the <see cref="PipelineTelemetry.MeterName"/> meter, MassTransit, ASP.NET Core, HttpClient, the .NET
    /// runtime and Npgsql, served for Prometheus at <c>/metrics</c> (anonymous, ahead of the host's middleware);</item>
    /// <item>logs: every console line carries the trace and span id of the work it logs (logging scopes on);</item>
    /// <item>OTLP: only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, then for traces, metrics and logs, with the other
    /// <c>OTEL_EXPORTER_OTLP_*</c> variables (protocol, headers); otherwise nothing leaves the machine.</item>
    /// </list>
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The host's name: <c>pipeline-api</c>, <c>pipeline-worker</c> or <c>pipeline-scheduler</c>.</param>
    public static IHostApplicationBuilder AddPipelineTelemetry(this IHostApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var identity = ServiceIdentity.From(builder.Configuration, serviceName);
        builder.Services.AddSingleton(identity);

        // The trace id in every log line: the logger factory puts the current activity's ids in a scope, and the console
        // formatter prints scopes.
        builder.Logging.Configure(o => o.ActivityTrackingOptions = ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(identity.ServiceName, serviceVersion: identity.Version,
                autoGenerateServiceInstanceId: false, serviceInstanceId: identity.InstanceId))
            .WithTracing(tracing => tracing
                .AddSource(PipelineTelemetry.ActivitySourceName, MassTransitSource)
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !IsInfrastructure(context.Request.Path))
                .AddHttpClientInstrumentation()
                .AddNpgsql())
            .WithMetrics(metrics => metrics
                .AddMeter(PipelineTelemetry.MeterName, MassTransitSource)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation()
                .AddPrometheusExporter());
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            telemetry.UseOtlpExporter();
        }

        builder.Services.AddTransient<IStartupFilter, PrometheusScrapingStartupFilter>();
        return builder;
    }

    /// <summary>Scrapes and probes: requests every few seconds that would bury the jobs' traces.</summary>
    private static bool IsInfrastructure(PathString path) =>
        path.StartsWithSegments(PrometheusScrapingStartupFilter.Path) || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/alive");
}
