using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Contracts.Telemetry;
using Pipeline.Worker.Outbox;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// Records a job's end, and announces it through the outbox: the statement that records the end also writes the event's
/// outbox row (<see cref="IJobStore"/>), and this call then publishes that row at once (<see cref="TerminalEventPublisher"/>,
/// on the consume context, so the event stays in the job's trace). A worker that dies between the two leaves the row
/// pending, and the outbox sweep of any worker publishes it (<see cref="OutboxDispatcherService"/>); whoever reacts to an
/// event finds the record already written. The batch's completion follows the same way.
/// <para>
/// One <see cref="JobCompleted"/> per job id: only the worker holding the job's lease can mark it succeeded, the outbox has
/// one row per event and job, and a row is recorded sent in the transaction that locked it for publishing. The one way to
/// a second publication is a dispatcher dying (or losing the database) after the broker confirmed and before that commit;
/// the copy carries the same <c>MessageId</c> (<see cref="EventMessageIds"/>) and webhook event id, for consumers to
/// deduplicate. The same holds for <see cref="JobFailed"/>, <see cref="JobCanceled"/> and <see cref="BatchCompleted"/>.
/// </para>
/// <para>
/// Each outcome is logged here, once, where it is recorded: one line per job that succeeded (Information), failed (Warning
/// for bad input, Error for a fault of the system) or was canceled (Information). Everything else about a job (skipped
/// redeliveries, the engine's own view) is Debug, so a worker's log is one line per job.
/// </para>
/// <para>Each outcome this call recorded is counted once in <see cref="WorkerMetrics"/>.</para>
/// </summary>
public sealed partial class JobOutcomes(IJobStore jobs, TerminalEventPublisher events, JobsDone done, WorkerMetrics metrics, TimeProvider time,
    ILogger<JobOutcomes> logger)
{
    /// <summary>
    /// Marks the job succeeded with <paramref name="metadata"/>'s steps, as the holder of its lease (which writes its
    /// <see cref="JobCompleted"/> to the outbox), and publishes it. Nothing is announced when the job was canceled or failed
    /// while it ran, or another worker took it over.
    /// </summary>
    public async Task SucceededAsync(IPublishEndpoint publish, SubmitJob job, ResultKeys keys, ResultMetadata metadata,
        DateTimeOffset receivedAt, string leaseHolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(metadata);
        var transition = await jobs.MarkSucceededAsync(job.JobId, leaseHolder, new JobSuccess(keys.ResultKey, metadata.StepsUsed), cancellationToken)
            .ConfigureAwait(false);
        // Not applied, yet succeeded under this holder: a retried write whose first commit landed; its outbox row is there too.
        var ours = transition.Job is { Status: JobStatus.Succeeded } record && record.LeasedBy == leaseHolder;
        if (!ours)
        {
            // Canceled (or failed) while it ran, or taken over: the record keeps that outcome and this call announces nothing.
            LogNotSucceeded(logger, job.JobId, transition.Job?.Status);
            return;
        }

        if (transition.Applied)
        {
            done.Add();
            var now = time.GetUtcNow();
            var submittedAt = job.SubmittedAt ?? receivedAt;
            var waited = Math.Max(0, (receivedAt - submittedAt).TotalMilliseconds);
            var total = now - submittedAt;
            metrics.Completed(job, metadata.ModelPack, TimeSpan.FromMilliseconds(waited + metadata.Timings.QueuedMs), total);
            LogSucceeded(logger, job.JobId, metadata.StepsUsed, total.TotalMilliseconds);
        }

        await PublishAsync(publish, EventMessageIds.JobCompleted, job.JobId, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A job that succeeded before the outbox existed and whose worker died before announcing it (it still holds an
    /// announcement lease, now <paramref name="leaseHolder"/>'s): its <see cref="JobCompleted"/> goes to the outbox as the
    /// lease ends, and is published.
    /// </summary>
    public async Task AnnounceSucceededAsync(IPublishEndpoint publish, SubmitJob job, string leaseHolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        await jobs.MarkAnnouncedAsync(job.JobId, leaseHolder, cancellationToken).ConfigureAwait(false);
        await PublishAsync(publish, EventMessageIds.JobCompleted, job.JobId, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks <paramref name="job"/> failed (which writes its <see cref="JobFailed"/> to the outbox) and publishes it when this
    /// call failed it. A retryable failure is the system's (an internal error after every retry): logged as an error; a
    /// failure that is not retryable is the job's input: a warning.
    /// </summary>
    public async Task FailedAsync(IPublishEndpoint publish, SubmitJob job, JobFailure failure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(failure);
        var transition = await jobs.MarkFailedAsync(job.JobId, failure, cancellationToken).ConfigureAwait(false);
        if (!transition.Applied)
        {
            LogNotFailed(logger, job.JobId, failure.Code, transition.Job?.Status);
            return;
        }

        done.Add();
        LogFailed(logger, failure.Retryable ? LogLevel.Error : LogLevel.Warning, job.JobId, failure.Code, failure.Message);
        metrics.Ended(job.ModelPack, job.Kind, job.Priority, PipelineMetricTags.Failed);
        await PublishAsync(publish, EventMessageIds.JobFailed, job.JobId, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes the <see cref="JobCanceled"/> its cancel wrote to the outbox (<paramref name="record"/>, as the cancel left
    /// it; the Api or this worker recorded it) unless a sweep already did, and completes its batch if it was the last job.
    /// Counted as a canceled job: the cancel consumer calls this once per cancel message.
    /// </summary>
    public async Task CanceledAsync(IPublishEndpoint publish, string jobId, JobRecord? record, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        metrics.Ended(record is null ? null : PackOf(record), record?.Kind, record?.Priority, PipelineMetricTags.Canceled);
        LogCanceled(logger, jobId, reason ?? "no reason given");
        await PublishAsync(publish, EventMessageIds.JobCanceled, jobId, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, record?.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Completes the batch when its last job has ended (which writes <see cref="BatchCompleted"/> to the outbox) and
    /// publishes it when this call completed it.
    /// </summary>
    public async Task CompleteBatchAsync(IPublishEndpoint publish, string? batchId, CancellationToken cancellationToken)
    {
        if (batchId is null)
        {
            return;
        }

        var batch = await jobs.TryCompleteBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (batch is not null)
        {
            await PublishAsync(publish, EventMessageIds.BatchCompleted, batchId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Publishes the outbox row just committed. The outcome is recorded whatever happens here: an outage now leaves the row
    /// to the sweep, so it is logged (Debug), not thrown — throwing would only redeliver a message whose job has ended.
    /// </summary>
    private async Task PublishAsync(IPublishEndpoint publish, string eventType, string subjectId, CancellationToken cancellationToken)
    {
        try
        {
            await events.DispatchAsync(publish, TerminalEventPublisher.Ids(eventType, subjectId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException && !cancellationToken.IsCancellationRequested)
        {
            LogLeftToSweep(logger, eventType, subjectId, e.Message);
        }
    }

    /// <summary>The metadata JSON a result stores, and back.</summary>
    public static byte[] SerializeMetadata(ResultMetadata metadata) => JsonSerializer.SerializeToUtf8Bytes(metadata, ContractJson.Options);

    /// <inheritdoc cref="SerializeMetadata"/>
    public static ResultMetadata DeserializeMetadata(byte[] json) =>
        JsonSerializer.Deserialize<ResultMetadata>(json, ContractJson.Options) ?? throw new JsonException("result metadata is null");

    /// <summary>The pack the job's recorded request names (null: the default pack, or a request that cannot be read).</summary>
    private static string? PackOf(JobRecord record)
    {
        try
        {
            return record.ReadRequest().ModelPack;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Job {JobId} succeeded: {StepsUsed} steps, {TotalMs:F0} ms after submission")]
    private static partial void LogSucceeded(ILogger logger, string jobId, int stepsUsed, double totalMs);

    [LoggerMessage(EventId = 11, Message = "Job {JobId} failed: {Code}: {Reason}")]
    private static partial void LogFailed(ILogger logger, LogLevel level, string jobId, string code, string reason);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Job {JobId} canceled: {Reason}")]
    private static partial void LogCanceled(ILogger logger, string jobId, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Debug, Message = "Job {JobId} is {Status}: its result is kept, no completion is announced")]
    private static partial void LogNotSucceeded(ILogger logger, string jobId, JobStatus? status);

    [LoggerMessage(EventId = 18, Level = LogLevel.Debug, Message = "Job {JobId} not marked failed ({Code}): it is {Status}")]
    private static partial void LogNotFailed(ILogger logger, string jobId, string code, JobStatus? status);

    [LoggerMessage(EventId = 93, Level = LogLevel.Debug,
        Message = "Event {EventType} of {SubjectId} is recorded in the outbox but not published yet ({Reason}); the outbox sweep publishes it")]
    private static partial void LogLeftToSweep(ILogger logger, string eventType, string subjectId, string reason);
}
