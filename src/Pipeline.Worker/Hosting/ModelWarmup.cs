using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// Loads the default model pack (and builds the engine) before the bus starts consuming, so a worker with a missing or
/// broken pack fails at start instead of failing every job; the health check reports the pack it serves.
/// </summary>
public sealed partial class ModelWarmup(IServiceProvider services, IOptions<ModelOptions> options, WorkerMetrics metrics, ILogger<ModelWarmup> logger)
    : IHostedService, IHealthCheck
{
    private volatile string? _loaded;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // The engine first (its registry, and its options checked), then the default pack is loaded; each pack's step
        // budgets come from its own manifest when the engine first runs one of its jobs.
        _ = services.GetService(typeof(IJobEngine));
        var pack = ((ModelPackRegistry)services.GetService(typeof(ModelPackRegistry))!).Get(options.Value.DefaultPack);
        metrics.Serving(pack);
        _loaded = $"{pack.Manifest.Name} {pack.Manifest.Version} on {pack.ActiveProvider}";
        LogLoaded(logger, _loaded);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(_loaded is { } loaded
            ? HealthCheckResult.Healthy($"model pack {loaded}")
            : new HealthCheckResult(context.Registration.FailureStatus, "default model pack not loaded"));

    [LoggerMessage(EventId = 31, Level = LogLevel.Information, Message = "Serving model pack {Pack}")]
    private static partial void LogLoaded(ILogger logger, string pack);
}
