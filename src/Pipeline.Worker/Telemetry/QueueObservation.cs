using System.Diagnostics.Metrics;
using Pipeline.Contracts;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Worker.Telemetry;

/// <summary>
/// What the worker last saw of the job queue (its <see cref="Hosting.BacklogMonitor"/>'s passive declare returns both):
/// ready messages and consumers, published as <c>pipeline_queue_messages</c> and <c>pipeline_queue_consumers</c>
/// (<c>queue="pipeline-jobs"</c>). Nothing is published before the first successful read, so a worker that cannot reach
/// the broker reports no figure rather than a stale or zero one. RabbitMQ reports one count per queue, not per message
/// priority, so there is no <c>priority</c> label.
/// </summary>
public sealed class QueueObservation
{
    private long _messages = -1;
    private long _consumers = -1;

    /// <summary>Creates the two gauges on <paramref name="meterFactory"/>'s Pipeline meter.</summary>
    public QueueObservation(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(PipelineTelemetry.MeterName);
        meter.CreateObservableGauge(PipelineMetricNames.QueueMessages, () => Observe(ref _messages), "{message}",
            "Ready messages the worker sees in the queue (every worker reports the same queue: combine with max)");
        meter.CreateObservableGauge(PipelineMetricNames.QueueConsumers, () => Observe(ref _consumers), "{consumer}",
            "Consumers attached to the queue");
    }

    /// <summary>The last read of <see cref="PipelineEndpoints.JobQueue"/>.</summary>
    public void JobQueueRead(long messages, long consumers)
    {
        Interlocked.Exchange(ref _messages, messages);
        Interlocked.Exchange(ref _consumers, consumers);
    }

    private static IEnumerable<Measurement<long>> Observe(ref long value)
    {
        var last = Interlocked.Read(ref value);
        return last < 0 ? [] : [new Measurement<long>(last, new KeyValuePair<string, object?>(PipelineMetricTags.Queue, PipelineEndpoints.JobQueue))];
    }
}
