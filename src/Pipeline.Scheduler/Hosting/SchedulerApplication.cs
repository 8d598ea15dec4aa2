using Pipeline.ServiceDefaults;

namespace Pipeline.Scheduler.Hosting;

/// <summary>Builds the scheduler host; <c>Program</c> runs it, tests build it with their own configuration.</summary>
public static class SchedulerApplication
{
    /// <summary>Its <c>service.name</c> in telemetry unless <c>OTEL_SERVICE_NAME</c> says otherwise, and its Prometheus job name.</summary>
    public const string ServiceName = "pipeline-scheduler";

    /// <summary>The port of the default address, <c>http://127.0.0.1:5238</c> (see <see cref="LoopbackDefaultAddress"/>).</summary>
    public const int DefaultPort = 5238;

    /// <summary>The builder with every service registered: what <see cref="Build"/> builds (tests validate it).</summary>
    /// <param name="args">Command-line arguments (configuration overrides such as <c>--urls</c>).</param>
    /// <param name="configure">Last say over the builder before services are added (tests add configuration here).</param>
    public static WebApplicationBuilder CreateBuilder(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = PipelineHostBuilder.Create(args, ServiceName, DefaultPort, configure);
        builder.AddSchedulerServices();
        return builder;
    }

    /// <summary>The host with its endpoints mapped, ready to run.</summary>
    /// <inheritdoc cref="CreateBuilder" path="/param"/>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var app = CreateBuilder(args, configure).Build();
        app.MapDefaultEndpoints();
        app.MapSchedulerEndpoints();
        return app;
    }
}
