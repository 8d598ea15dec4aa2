using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Pipeline.Storage.Fleet;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Hosting;

/// <summary>The worker's part of the fleet view: its identity, the jobs-done counter and the heartbeat.</summary>
public static class WorkerHeartbeatRegistration
{
    /// <summary>
    /// Registers <see cref="HeartbeatOptions"/> (validated at start, the interval against <see cref="FleetOptions.WorkerTimeout"/>),
    /// <see cref="WorkerIdentity"/>, <see cref="JobsDone"/>, <see cref="WorkerHeartbeatSource"/> and the
    /// <see cref="WorkerHeartbeatService"/>. Needs the storage (<c>AddPipelineStorage</c>) and the engine registered; add it
    /// after the model warm-up and before the bus, so it starts with a loaded model and stops after the jobs drained.
    /// </summary>
    public static IServiceCollection AddWorkerHeartbeat(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<HeartbeatOptions>().BindConfiguration(HeartbeatOptions.SectionName).ValidateDataAnnotations()
            .Validate<IOptions<FleetOptions>>((heartbeat, fleet) => heartbeat.HeartbeatInterval * 2 <= fleet.Value.WorkerTimeout,
                $"{HeartbeatOptions.SectionName}:{nameof(HeartbeatOptions.HeartbeatInterval)} must be at most half of {FleetOptions.SectionName}:{nameof(FleetOptions.WorkerTimeout)}, so one late beat does not drop a running worker out of the fleet view")
            .ValidateOnStart();
        services.TryAddSingleton<WorkerIdentity>();
        services.TryAddSingleton<JobsDone>();
        services.TryAddSingleton<WorkerHeartbeatSource>();
        services.AddHostedService<WorkerHeartbeatService>();
        return services;
    }
}
