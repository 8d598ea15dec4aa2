using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;
using Pipeline.Contracts.Telemetry;
using Pipeline.Webhooks;
using Pipeline.Worker.Telemetry;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// Records a job's end and announces it: the record first, then the event, then the batch's completion, so whoever
/// reacts to an event finds the record already written. After each event is published, a job's or batch's callback URL
/// (if it has one) gets the same event as a signed webhook: handed to <see cref="IWebhookPublisher"/>, which queues it
/// and returns at once, so a slow or failing receiver never holds up a job. An event published twice (a cancel
/// announced by every worker that recorded it, or the rare second JobCompleted below) hands the webhook again under the
/// same event id, for the receiver to deduplicate.
/// <para>
/// <see cref="JobCompleted"/> is published once per job id: only the worker holding the job's lease can mark it
/// succeeded, only the call that did so (or, if that worker died before announcing, the one that took the lease over)
/// announces it, and the announcement ends the lease (<see cref="IJobStore.MarkAnnouncedAsync"/>), after which no one
/// announces the job again. The one way to a second announcement is a worker dying in the instant between a confirmed
/// publish and that record write; the one way to none is the broker refusing the publish through every retry.
/// </para>
/// <para>
/// Each outcome is logged here, once, where it is recorded: one line per job that succeeded (Information), failed (Warning
/// for bad input, Error for a fault of the system) or was canceled (Information). Everything else about a job (skipped
/// redeliveries, announcements repeated, the engine's own view) is Debug, so a worker's log is one line per job.
/// </para>
/// <para>Each outcome this call recorded is counted once in <see cref="WorkerMetrics"/>.</para>
/// </summary>
public sealed partial class JobOutcomes(IJobStore jobs, IWebhookPublisher webhooks, JobsDone done, WorkerMetrics metrics, TimeProvider time,
    ILogger<JobOutcomes> logger)
{
    /// <summary>
    /// Marks the job succeeded with <paramref name="metadata"/>'s steps, as the holder of its lease, and announces it
    /// (<see cref="AnnounceSucceededAsync"/>). Nothing is announced when the job was canceled or failed while it ran, or
    /// another worker took it over.
    /// </summary>
    public async Task SucceededAsync(IPublishEndpoint publish, SubmitJob job, ResultKeys keys, ResultMetadata metadata,
        DateTimeOffset receivedAt, string leaseHolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var transition = await jobs.MarkSucceededAsync(job.JobId, leaseHolder, new JobSuccess(keys.ResultKey, metadata.StepsUsed), cancellationToken)
            .ConfigureAwait(false);
        // Not applied, yet succeeded under this holder's unannounced lease: a retried write whose first commit landed; still ours.
        var ours = transition.Job is { Status: JobStatus.Succeeded } record && record.LeasedBy == leaseHolder
            && (transition.Applied || record.LeaseExpiresAt is not null);
        if (!ours)
        {
            // Canceled (or failed) while it ran, or taken over: the record keeps that outcome and this call announces nothing.
            LogNotSucceeded(logger, job.JobId, transition.Job?.Status);
            return;
        }

        if (transition.Applied)
        {
            done.Add();
        }

        await AnnounceSucceededAsync(publish, job, keys, metadata, receivedAt, leaseHolder, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes <see cref="JobCompleted"/> for a succeeded job whose lease <paramref name="leaseHolder"/> holds (it just
    /// marked it succeeded, or took the announcement over from a worker that died first), hands the webhook over, ends the
    /// lease — the job counts as announced from then on — and completes the job's batch if it was the last.
    /// </summary>
    public async Task AnnounceSucceededAsync(IPublishEndpoint publish, SubmitJob job, ResultKeys keys, ResultMetadata metadata,
        DateTimeOffset receivedAt, string leaseHolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(metadata);
        var now = time.GetUtcNow();
        var submittedAt = job.SubmittedAt ?? receivedAt;
        var waited = Math.Max(0, (receivedAt - submittedAt).TotalMilliseconds);
        // Announced once per job (see the class remarks), so counted once here.
        metrics.Completed(job, metadata.ModelPack, TimeSpan.FromMilliseconds(waited + metadata.Timings.QueuedMs), now - submittedAt);

        var completed = new JobCompleted
        {
            JobId = job.JobId,
            BatchId = job.BatchId,
            ResultKey = keys.ResultKey,
            ImageKey = keys.ImageKey,
            TokensKey = keys.TokensKey,
            MetadataKey = keys.MetadataKey,
            ModelPack = metadata.ModelPack,
            ModelVersion = metadata.ModelVersion,
            Seed = metadata.Seed,
            StepsRequested = metadata.StepsRequested,
            StepsUsed = metadata.StepsUsed,
            Order = metadata.Order,
            Timings = new ResultTimings
            {
                QueuedMs = waited + metadata.Timings.QueuedMs,
                EncodeMs = metadata.Timings.EncodeMs,
                SampleMs = metadata.Timings.SampleMs,
                DecodeMs = metadata.Timings.DecodeMs,
                TotalMs = Math.Max(0, (now - submittedAt).TotalMilliseconds),
            },
            CompletedAt = now,
        };
        await publish.Publish(completed, cancellationToken).ConfigureAwait(false);
        LogSucceeded(logger, job.JobId, metadata.StepsUsed, completed.Timings.TotalMs);

        Notify(job.CallbackUrl, job.JobId, url => WebhookEvents.For(completed, url));
        await jobs.MarkAnnouncedAsync(job.JobId, leaseHolder, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Marks <paramref name="job"/> failed and publishes <see cref="JobFailed"/> (and its webhook) when this call failed it.
    /// A retryable failure is the system's (an internal error after every retry): logged as an error; a failure that is
    /// not retryable is the job's input: a warning.
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
        var failed = new JobFailed
        {
            JobId = job.JobId,
            BatchId = job.BatchId,
            Code = failure.Code,
            Message = failure.Message,
            Retryable = failure.Retryable,
            Attempts = transition.Job?.Attempts ?? 0,
            FailedAt = time.GetUtcNow(),
        };
        await publish.Publish(failed, cancellationToken).ConfigureAwait(false);
        Notify(job.CallbackUrl, job.JobId, url => WebhookEvents.For(failed, url));
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Publishes <see cref="JobCanceled"/> for a job whose record says canceled (<paramref name="record"/>, as the cancel
    /// left it), hands its webhook to the job's callback URL, and completes its batch if it was the last job. Counted as a
    /// canceled job: the cancel consumer calls this once per cancel it announces.
    /// </summary>
    public async Task CanceledAsync(IPublishEndpoint publish, string jobId, JobRecord? record, string? reason, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        metrics.Ended(record is null ? null : PackOf(record), record?.Kind, record?.Priority, PipelineMetricTags.Canceled);
        var canceled = new JobCanceled
        {
            JobId = jobId,
            BatchId = record?.BatchId,
            Reason = reason,
            CanceledAt = time.GetUtcNow(),
        };
        await publish.Publish(canceled, cancellationToken).ConfigureAwait(false);
        LogCanceled(logger, jobId, reason ?? "no reason given");
        Notify(CallbackOf(record), jobId, url => WebhookEvents.For(canceled, url));
        await CompleteBatchAsync(publish, record?.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Publishes <see cref="BatchCompleted"/> when this call saw the batch's last job end.</summary>
    public async Task CompleteBatchAsync(IPublishEndpoint publish, string? batchId, CancellationToken cancellationToken)
    {
        if (batchId is null)
        {
            return;
        }

        var batch = await jobs.TryCompleteBatchAsync(batchId, cancellationToken).ConfigureAwait(false);
        if (batch is null)
        {
            return;
        }

        var completed = new BatchCompleted
        {
            BatchId = batch.BatchId,
            Total = batch.Counts.Total,
            Succeeded = batch.Counts.Succeeded,
            Failed = batch.Counts.Failed,
            Canceled = batch.Counts.Canceled,
            CompletedAt = batch.CompletedAt ?? time.GetUtcNow(),
        };
        await publish.Publish(completed, cancellationToken).ConfigureAwait(false);
        Notify(batch.CallbackUrl, batch.BatchId, url => WebhookEvents.For(completed, url));
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

    /// <summary>The callback URL of the job as it was submitted (its recorded request), or null.</summary>
    private Uri? CallbackOf(JobRecord? record)
    {
        if (record is null)
        {
            return null;
        }

        try
        {
            return record.ReadRequest().CallbackUrl;
        }
        catch (JsonException e)
        {
            LogUnreadableRequest(logger, record.JobId, e.Message);
            return null;
        }
    }

    /// <summary>Hands the webhook for <paramref name="subjectId"/> to the publisher when there is a callback URL; never throws, never waits.</summary>
    private void Notify(Uri? callbackUrl, string subjectId, Func<Uri, WebhookEvent> create)
    {
        if (callbackUrl is null)
        {
            return;
        }

        WebhookEvent webhook;
        try
        {
            webhook = create(callbackUrl);
        }
        catch (ArgumentException e)
        {
            // The contract checks reject such URLs at submission; one that got into a record some other way is logged, not fatal.
            LogBadCallback(logger, subjectId, callbackUrl.OriginalString, e.Message);
            return;
        }

        if (!webhooks.TryPublish(webhook))
        {
            LogNotQueued(logger, webhook.EventType, subjectId);
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

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Callback URL '{Url}' of {SubjectId} cannot be called: {Reason}")]
    private static partial void LogBadCallback(ILogger logger, string subjectId, string url, string reason);

    [LoggerMessage(EventId = 51, Level = LogLevel.Debug, Message = "Webhook {EventType} of {SubjectId} not queued (filtered out by Pipeline:Webhooks:Events, webhooks disabled, or the queue is full)")]
    private static partial void LogNotQueued(ILogger logger, string eventType, string subjectId);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Job {JobId}: the recorded request cannot be read, so its callback is not called: {Reason}")]
    private static partial void LogUnreadableRequest(ILogger logger, string jobId, string reason);
}
