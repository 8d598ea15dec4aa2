using System.Diagnostics.Metrics;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// <c>pipeline_storage_retries_total{operation}</c>: every retry the storage pipeline makes, by store operation
/// (<c>jobs.mark_succeeded</c>, <c>results.write</c>, …). A rising rate means a slow or flapping database or file store
/// holding engine slots; the retries themselves log at Debug only.
/// </summary>
public sealed class StorageMetrics
{
    private readonly Counter<long> _retries;

    /// <summary>Creates the counter on <paramref name="meterFactory"/>'s Pipeline meter.</summary>
    public StorageMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _retries = meterFactory.Create(PipelineTelemetry.MeterName).CreateCounter<long>(PipelineMetricNames.StorageRetries, "{retry}",
            "Retries of the job store and the file stores, by operation");
    }

    /// <summary>Counts one retry of <paramref name="operation"/> (null: an operation that named none).</summary>
    public void Retried(string? operation) =>
        _retries.Add(1, new KeyValuePair<string, object?>(PipelineMetricTags.Operation, operation ?? PipelineMetricTags.Unknown));
}
