using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Pipeline.Messaging;

namespace Pipeline.Worker.Telemetry;

/// <summary>The worker's metric instruments (the host builder's OpenTelemetry set-up exports them).</summary>
public static class WorkerTelemetry
{
    /// <summary>Registers <see cref="WorkerMetrics"/>, <see cref="QueueObservation"/> and <see cref="JobSubmissionMetrics"/> (batch fan-out).</summary>
    public static IServiceCollection AddWorkerTelemetry(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddMetrics();
        services.TryAddSingleton<WorkerMetrics>();
        services.TryAddSingleton<QueueObservation>();
        services.TryAddSingleton<JobSubmissionMetrics>();
        return services;
    }
}
