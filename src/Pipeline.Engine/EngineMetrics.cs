using System.Diagnostics.Metrics;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;
using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>
/// The engine's instruments on the <see cref="PipelineTelemetry.MeterName"/> meter (created through the host's
/// <see cref="IMeterFactory"/>; BCL types only, no OpenTelemetry here): slots busy and total per pack (observed when a
/// collector asks), rows and duration of every batched forward, steps requested and used at admission (their ratio is the
/// budget degradation), steps that ran no forward, and model pack load time. Tag lists are built once per pack, so the
/// loop records without allocating.
/// </summary>
internal sealed class EngineMetrics
{
    // Rows per forward: batches up to 4096 slots, in powers of two.
    private static readonly int[] RowBuckets = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096];

    // One forward: from a tiny CPU model's milliseconds to a paper-scale model's seconds.
    private static readonly double[] ForwardBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    // Loading a pack: reading and hashing the graphs, creating sessions (CUDA start-up included).
    private static readonly double[] LoadBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

    private readonly Histogram<int> _forwardRows;
    private readonly Histogram<double> _forwardDuration;
    private readonly Counter<long> _stepsRequested;
    private readonly Counter<long> _stepsUsed;
    private readonly Counter<long> _stepsSkipped;
    private readonly Histogram<double> _modelLoad;

    /// <param name="meterFactory">The host's meter factory.</param>
    /// <param name="slots">Every pack loop started so far, for the slot gauges.</param>
    public EngineMetrics(IMeterFactory meterFactory, Func<IEnumerable<PackRunner>> slots)
    {
        var meter = meterFactory.Create(PipelineTelemetry.MeterName);
        _forwardRows = meter.CreateHistogram(PipelineMetricNames.EngineForwardRows, "{row}",
            "Rows (jobs) in one batched denoiser forward", advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = RowBuckets });
        _forwardDuration = meter.CreateHistogram(PipelineMetricNames.EngineForwardDuration, "s",
            "Time of one batched denoiser forward", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ForwardBuckets });
        _stepsRequested = meter.CreateCounter<long>(PipelineMetricNames.EngineStepsRequested, "{step}",
            "Sampling steps jobs asked for (or their class default), counted at admission");
        _stepsUsed = meter.CreateCounter<long>(PipelineMetricNames.EngineStepsUsed, "{step}",
            "Sampling steps jobs got after backlog degradation, counted at admission");
        _stepsSkipped = meter.CreateCounter<long>(PipelineMetricNames.EngineStepsSkipped, "{step}",
            "Job steps that unmasked nothing and so ran no forward");
        _modelLoad = meter.CreateHistogram(PipelineMetricNames.ModelLoadDuration, "s",
            "Time to load a model pack (graphs read and checked, sessions created)", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = LoadBuckets });
        meter.CreateObservableGauge(PipelineMetricNames.EngineSlotsBusy,
            () => slots().Select(r => new Measurement<int>(r.SlotsBusy, r.Tags.Pack)), "{slot}", "Engine slots holding a job");
        meter.CreateObservableGauge(PipelineMetricNames.EngineSlotsTotal,
            () => slots().Select(r => new Measurement<int>(r.Capacity, r.Tags.Pack)), "{slot}", "Engine slots of a pack's loop");
    }

    public void Forward(PackTags tags, int rows, TimeSpan duration)
    {
        _forwardRows.Record(rows, tags.PackPrecisionProvider);
        _forwardDuration.Record(duration.TotalSeconds, tags.PackPrecisionProvider);
    }

    public void Admitted(PackTags tags, PriorityClass priority, int requested, int used)
    {
        var perClass = tags.PackPriority[(int)priority];
        _stepsRequested.Add(requested, perClass);
        _stepsUsed.Add(used, perClass);
    }

    public void Skipped(PackTags tags, int steps) => _stepsSkipped.Add(steps, tags.Pack);

    /// <summary>Records a pack's load; subscribed to <see cref="ModelPackRegistry.Loaded"/> by the engine's registration.</summary>
    public void ModelLoaded(ModelPack pack)
    {
        ReadOnlySpan<KeyValuePair<string, object?>> tags =
        [
            new(PipelineMetricTags.Pack, pack.Manifest.Name),
            new(PipelineMetricTags.Precision, EngineModelPack.PrecisionLabel(pack.DenoiserPrecision)),
            new(PipelineMetricTags.Provider, EngineModelPack.ProviderLabel(pack.ActiveProvider)),
        ];
        _modelLoad.Record(pack.LoadTime.TotalSeconds, tags);
    }
}
