using System.Diagnostics.Metrics;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Messaging;

/// <summary>
/// <c>pipeline_jobs_submitted_total{pack, kind, priority}</c>: jobs newly recorded for the queue, counted by whoever
/// records them — the Api (<c>POST /v1/jobs</c>, <c>/v1/batches</c>), a worker fanning out a <see cref="SubmitBatch"/>,
/// and a worker recording a job an AMQP client sent straight to the job queue. A repeated submission of the same id is
/// not counted again. <c>pack</c> is the name the job gives (<see cref="PipelineMetricTags.DefaultPack"/> when it gives
/// none), kept to a bounded set of names since clients choose it.
/// </summary>
public sealed class JobSubmissionMetrics
{
    /// <summary>Distinct pack names kept as label values; later new names count as <see cref="PipelineMetricTags.Other"/>.</summary>
    public const int MaxPackLabels = 32;

    private readonly Counter<long> _submitted;
    private readonly BoundedLabelValues _packs = new(MaxPackLabels);

    /// <summary>Creates the counter on <paramref name="meterFactory"/>'s Pipeline meter.</summary>
    public JobSubmissionMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        _submitted = meterFactory.Create(PipelineTelemetry.MeterName).CreateCounter<long>(PipelineMetricNames.JobsSubmitted, "{job}",
            "Jobs recorded and sent to the job queue");
    }

    /// <summary>Counts <paramref name="job"/> as submitted.</summary>
    public void Submitted(SubmitJob job)
    {
        ArgumentNullException.ThrowIfNull(job);
        _submitted.Add(1,
            new KeyValuePair<string, object?>(PipelineMetricTags.Pack, _packs.Of(job.ModelPack, PipelineMetricTags.DefaultPack)),
            new KeyValuePair<string, object?>(PipelineMetricTags.Kind, PipelineMetricTags.KindOf(job.Kind)),
            new KeyValuePair<string, object?>(PipelineMetricTags.Priority, PipelineMetricTags.PriorityOf(job.Priority)));
    }
}
