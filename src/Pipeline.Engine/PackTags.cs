using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Engine;

/// <summary>The metric tag lists of one pack's loop, built once so recording allocates nothing.</summary>
internal sealed class PackTags
{
    public PackTags(EngineModelPack pack)
    {
        Pack = [new(PipelineMetricTags.Pack, pack.Name)];
        PackPrecisionProvider =
        [
            new(PipelineMetricTags.Pack, pack.Name),
            new(PipelineMetricTags.Precision, pack.DenoiserPrecision),
            new(PipelineMetricTags.Provider, pack.Provider),
        ];
        PackPriority = [.. Enum.GetValues<PriorityClass>().Order().Select(priority => new KeyValuePair<string, object?>[]
        {
            new(PipelineMetricTags.Pack, pack.Name),
            new(PipelineMetricTags.Priority, JobPriorities.Name(priority)),
        })];
    }

    /// <summary><c>pack</c>.</summary>
    public KeyValuePair<string, object?>[] Pack { get; }

    /// <summary><c>pack</c>, <c>precision</c>, <c>provider</c>.</summary>
    public KeyValuePair<string, object?>[] PackPrecisionProvider { get; }

    /// <summary><c>pack</c>, <c>priority</c>, indexed by <see cref="PriorityClass"/>.</summary>
    public KeyValuePair<string, object?>[][] PackPriority { get; }
}
