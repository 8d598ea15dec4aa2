using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Engine;
using Pipeline.Messaging;
using Pipeline.ServiceDefaults.Telemetry;
using Pipeline.Worker.Hosting;

namespace Pipeline.Worker.Telemetry;

/// <summary>
/// The worker's own instruments on the Pipeline meter (the engine, the stores, webhooks and submissions have theirs):
/// jobs finished by outcome, queue wait and end-to-end latency by priority, and <c>pipeline_worker_info</c>. Labels come
/// from the job (kind and priority as named or <c>unknown</c>; the pack from a bounded set) and from the worker (its
/// denoiser precision, and the provider of the pack it serves, known once <see cref="Serving"/> was called at start).
/// </summary>
public sealed class WorkerMetrics
{
    /// <summary>Latency buckets in seconds: from an interactive job on a warm GPU to a bulk job that waited minutes.</summary>
    public static readonly double[] LatencyBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30, 60, 120, 300, 600];

    private readonly Counter<long> _finished;
    private readonly Histogram<double> _queueWait;
    private readonly Histogram<double> _duration;
    private readonly BoundedLabelValues _packs = new(JobSubmissionMetrics.MaxPackLabels);
    private readonly string _defaultPack;
    private readonly string _precision;
    private readonly ServiceIdentity? _identity;
    private volatile string _provider = PipelineMetricTags.Unknown;

    /// <param name="meterFactory">The host's meter factory.</param>
    /// <param name="models">The worker's packs and precision.</param>
    /// <param name="identity">This process's telemetry identity (the hosts register it); null: no <c>pipeline_worker_info</c>.</param>
    public WorkerMetrics(IMeterFactory meterFactory, IOptions<ModelOptions> models, ServiceIdentity? identity = null)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(models);
        _defaultPack = models.Value.DefaultPack;
        _precision = EngineModelPack.PrecisionLabel(models.Value.DenoiserPrecision);
        _identity = identity;
        var meter = meterFactory.Create(PipelineTelemetry.MeterName);
        _finished = meter.CreateCounter<long>(PipelineMetricNames.JobsFinished, "{job}", "Jobs that ended, by outcome: completed, failed, canceled");
        var latency = new InstrumentAdvice<double> { HistogramBucketBoundaries = LatencyBuckets };
        _queueWait = meter.CreateHistogram(PipelineMetricNames.JobQueueWait, "s",
            "Time from submission until the engine gave the job a slot (broker queue plus engine queue)", advice: latency);
        _duration = meter.CreateHistogram(PipelineMetricNames.JobDuration, "s",
            "End to end: from submission until the result was stored", advice: latency);
        if (identity is not null)
        {
            meter.CreateObservableGauge(PipelineMetricNames.WorkerInfo, ObserveInfo, description: "Always 1: one series per worker, labelled with what it is");
        }
    }

    /// <summary>The worker serves <paramref name="pack"/> (its default, loaded at start): its provider labels every job.</summary>
    public void Serving(Inference.ModelPack pack)
    {
        ArgumentNullException.ThrowIfNull(pack);
        _provider = EngineModelPack.ProviderLabel(pack.ActiveProvider);
    }

    /// <summary>A job whose result was stored: counted completed, with its queue wait and end-to-end time.</summary>
    public void Completed(SubmitJob job, string pack, TimeSpan queueWait, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(job);
        var packLabel = _packs.Of(pack, _defaultPack);
        var priority = PipelineMetricTags.PriorityOf(job.Priority);
        Finished(packLabel, job.Kind, priority, PipelineMetricTags.Completed);
        _queueWait.Record(Math.Max(0, queueWait.TotalSeconds),
            new KeyValuePair<string, object?>(PipelineMetricTags.Pack, packLabel),
            new KeyValuePair<string, object?>(PipelineMetricTags.Priority, priority));
        _duration.Record(Math.Max(0, duration.TotalSeconds),
            new KeyValuePair<string, object?>(PipelineMetricTags.Pack, packLabel),
            new KeyValuePair<string, object?>(PipelineMetricTags.Kind, PipelineMetricTags.KindOf(job.Kind)),
            new KeyValuePair<string, object?>(PipelineMetricTags.Priority, priority));
    }

    /// <summary>A job that ended failed or canceled (<paramref name="outcome"/>); kind and priority from its request when known.</summary>
    public void Ended(string? pack, string? kind, string? priority, string outcome) =>
        Finished(_packs.Of(pack, _defaultPack), kind, PipelineMetricTags.PriorityOf(priority), outcome);

    private void Finished(string pack, string? kind, string priority, string outcome)
    {
        TagList tags = default;
        tags.Add(PipelineMetricTags.Pack, pack);
        tags.Add(PipelineMetricTags.Kind, PipelineMetricTags.KindOf(kind));
        tags.Add(PipelineMetricTags.Priority, priority);
        tags.Add(PipelineMetricTags.Precision, _precision);
        tags.Add(PipelineMetricTags.Provider, _provider);
        tags.Add(PipelineMetricTags.Outcome, outcome);
        _finished.Add(1, tags);
    }

    private Measurement<int> ObserveInfo() => new(1,
        new KeyValuePair<string, object?>(PipelineMetricTags.WorkerId, _identity!.InstanceId),
        new KeyValuePair<string, object?>(PipelineMetricTags.Host, _identity.HostName),
        new KeyValuePair<string, object?>(PipelineMetricTags.Provider, _provider),
        new KeyValuePair<string, object?>(PipelineMetricTags.Precision, _precision),
        new KeyValuePair<string, object?>(PipelineMetricTags.Version, _identity.Version));
}
