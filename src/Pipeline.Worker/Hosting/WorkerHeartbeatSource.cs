using Microsoft.Extensions.Options;
using Pipeline.Engine;
using Pipeline.Inference;
using Pipeline.Storage.Fleet;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Hosting;

/// <summary>
/// What the worker really runs, read fresh for each heartbeat: the packs the registry has loaded, the execution provider
/// they run on after any CUDA → CPU fallback (and the CUDA device then), the configured denoiser precision, the engine's
/// slots, and the jobs done so far.
/// </summary>
public sealed class WorkerHeartbeatSource(WorkerIdentity identity, IJobEngine engine, ModelPackRegistry registry, IOptions<ModelOptions> models,
    JobsDone done)
{
    /// <summary>What <see cref="WorkerHeartbeat.ExecutionProvider"/> says before any pack is loaded.</summary>
    public const string NoProvider = "none";

    /// <summary>The heartbeat as of now.</summary>
    public WorkerHeartbeat Read()
    {
        var packs = registry.LoadedPacks;
        var settings = models.Value;

        // Every pack of a registry shares one session factory, so they run where the first one landed; the default pack
        // speaks for them.
        var serving = packs.FirstOrDefault(p => p.Manifest.Name == settings.DefaultPack) ?? (packs.Count > 0 ? packs[0] : null);
        var provider = serving?.ActiveProvider;
        var total = engine.Capacity;
        return new WorkerHeartbeat
        {
            WorkerId = identity.Id,
            Host = identity.Host,
            Packs = [.. packs.Select(p => new WorkerPack(p.Manifest.Name, p.Manifest.Version))],
            DenoiserPrecision = settings.DenoiserPrecision.ToString().ToLowerInvariant(),
            ExecutionProvider = provider?.ToString().ToLowerInvariant() ?? NoProvider,
            CudaDeviceId = provider == ExecutionProvider.Cuda ? settings.CudaDeviceId : null,
            SlotsTotal = total,
            SlotsBusy = Math.Clamp(total - engine.FreeSlots, 0, total),
            JobsDone = done.Count,
            Version = identity.Version,
            StartedAt = identity.StartedAt,
        };
    }
}
