using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Pipeline.Imaging;
using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>
/// The one way hosts build an engine (the worker through <see cref="EngineServiceCollectionExtensions.AddPipelineEngine"/>,
/// the CLI's commands and its bench directly): packs from a registry or a given source, each with its own step budgets,
/// and images through Pipeline.Imaging.
/// </summary>
public static class EngineFactory
{
    /// <summary>
    /// An engine over the packs of <paramref name="registry"/>, each with its manifest's budgets under
    /// <see cref="EngineOptions.Budgets"/>. The registry must outlive the engine. With <paramref name="meters"/>, the engine
    /// publishes its metrics (<see cref="EngineMetrics"/>) on the meter factory's Pipeline meter.
    /// </summary>
    public static JobEngine Create(IModelPackProvider registry, EngineOptions options, TimeProvider time, ILoggerFactory loggers,
        IMeterFactory? meters = null) =>
        Create(new RegistryPackSource(registry, options), options, time, loggers, meters);

    /// <summary>An engine over <paramref name="packs"/> (e.g. a <see cref="RegistryPackSource"/> the caller also reads, or recorded packs).</summary>
    public static JobEngine Create(IEnginePackSource packs, EngineOptions options, TimeProvider time, ILoggerFactory loggers,
        IMeterFactory? meters = null)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        return new JobEngine(packs, new ImageCodec(), options, time, loggers.CreateLogger<JobEngine>(), meters);
    }
}
