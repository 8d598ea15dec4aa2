using System.Diagnostics;
using Pipeline.Contracts.Telemetry;

namespace Pipeline.Worker.Telemetry;

/// <summary>The worker's <see cref="ActivitySource"/> (<see cref="PipelineTelemetry.ActivitySourceName"/>) and its job spans.</summary>
internal static class WorkerActivities
{
    public static readonly ActivitySource Source = new(PipelineTelemetry.ActivitySourceName);

    /// <summary>
    /// The job's wait in the broker, from its submission to its receipt, as a span with those times under the consume span
    /// (the time passed before this process existed for the job, so it can only be recorded afterwards).
    /// </summary>
    public static void QueueWait(DateTimeOffset submittedAt, DateTimeOffset receivedAt)
    {
        if (submittedAt >= receivedAt)
        {
            return;
        }

        using var span = Source.StartActivity(PipelineSpanNames.QueueWait, ActivityKind.Internal, parentContext: default, startTime: submittedAt);
        span?.SetEndTime(receivedAt.UtcDateTime);
    }

    /// <summary>Tags the current (consume) span with the job it runs, so the job can be found by id in a tracing UI.</summary>
    public static void TagJob(string jobId, string? kind, string? priority)
    {
        if (Activity.Current is { IsAllDataRequested: true } consume)
        {
            consume.SetTag(PipelineSpanAttributes.JobId, jobId);
            consume.SetTag(PipelineSpanAttributes.JobKind, kind);
            consume.SetTag(PipelineSpanAttributes.JobPriority, priority);
        }
    }
}
