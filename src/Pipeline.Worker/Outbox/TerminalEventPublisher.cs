using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.Logging;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Outbox;
using Pipeline.Storage.Results;
using Pipeline.Webhooks;
using Pipeline.Worker.Jobs;

namespace Pipeline.Worker.Outbox;

/// <summary>
/// Publishes terminal events from the outbox (<see cref="IEventOutbox"/>): each row becomes its contract event, built
/// from the job's or batch's record (and, for <see cref="JobCompleted"/>, the stored result's metadata), published under
/// the row's deterministic <c>MessageId</c> (<see cref="EventMessageIds"/>), then handed to the subject's callback URL as
/// a webhook under the same id. The body is a function of what is stored, so a republication is the same message.
/// <para>
/// Two callers: <see cref="JobOutcomes"/> dispatches the row it just committed, on the consume context (so the event
/// stays in the job's trace), and <see cref="OutboxDispatcherService"/> sweeps whatever is left pending — a worker that
/// died between its commit and its publication, a broker or database outage during it, a cancel the Api recorded.
/// </para>
/// </summary>
public sealed partial class TerminalEventPublisher(IEventOutbox outbox, IJobStore jobs, IResultStore results, IWebhookPublisher webhooks,
    ILogger<TerminalEventPublisher> logger)
{
    /// <summary>Rows one sweep publishes at most.</summary>
    public const int SweepLimit = 100;

    /// <summary>
    /// How long one publication may take before it counts as failed (the row stays pending, for the next sweep). MassTransit
    /// is not handed a cancellation: a send canceled in its topology set-up can leave later sends of the type waiting.
    /// </summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Publishes the pending events named by <paramref name="messageIds"/> (null: the oldest pending, up to
    /// <see cref="SweepLimit"/>) through <paramref name="publish"/>. An event that cannot be published is logged and stays
    /// pending for the sweep; a database that cannot be reached throws.
    /// </summary>
    public async Task<OutboxDispatch> DispatchAsync(IPublishEndpoint publish, IReadOnlyCollection<Guid>? messageIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(publish);
        var dispatch = await outbox.DispatchAsync(messageIds, messageIds?.Count ?? SweepLimit, (e, ct) => PublishAsync(publish, e, ct), cancellationToken)
            .ConfigureAwait(false);
        foreach (var failure in dispatch.Failed)
        {
            LogNotPublished(logger, failure.Event.EventType, failure.Event.SubjectId, failure.Error.Message);
        }

        return dispatch;
    }

    /// <summary>The outbox row ids of <paramref name="eventType"/> about <paramref name="subjectId"/>, as a dispatch list.</summary>
    public static IReadOnlyCollection<Guid> Ids(string eventType, string subjectId) => [EventMessageIds.For(eventType, subjectId)];

    private async Task PublishAsync(IPublishEndpoint publish, OutboxEvent outboxEvent, CancellationToken cancellationToken)
    {
        var id = outboxEvent.MessageId;
        switch (outboxEvent.EventType)
        {
            case EventMessageIds.BatchCompleted:
            {
                var batch = await jobs.GetBatchAsync(outboxEvent.SubjectId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"batch {outboxEvent.SubjectId} has an outbox event but no record");
                var completed = new BatchCompleted
                {
                    BatchId = batch.BatchId,
                    Total = batch.Counts.Total,
                    Succeeded = batch.Counts.Succeeded,
                    Failed = batch.Counts.Failed,
                    Canceled = batch.Counts.Canceled,
                    CompletedAt = batch.CompletedAt ?? outboxEvent.CreatedAt,
                };
                await Publish(publish, completed, id, cancellationToken).ConfigureAwait(false);
                Notify(batch.CallbackUrl, batch.BatchId, url => WebhookEvents.For(completed, url));
                return;
            }

            case EventMessageIds.JobCompleted:
            case EventMessageIds.JobFailed:
            case EventMessageIds.JobCanceled:
                break;
            default:
                throw new InvalidOperationException($"unknown outbox event type '{outboxEvent.EventType}'");
        }

        var job = await jobs.GetAsync(outboxEvent.SubjectId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"job {outboxEvent.SubjectId} has an outbox event but no record");
        var callback = CallbackOf(job);
        var at = job.FinishedAt ?? outboxEvent.CreatedAt;
        switch (outboxEvent.EventType)
        {
            case EventMessageIds.JobCompleted:
            {
                var stored = await results.ReadAsync(job.JobId, cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException($"job {job.JobId} succeeded but its result is missing from the result store");
                var completed = Completed(job, stored.Keys, JobOutcomes.DeserializeMetadata(stored.MetadataJson), at);
                await Publish(publish, completed, id, cancellationToken).ConfigureAwait(false);
                Notify(callback, job.JobId, url => WebhookEvents.For(completed, url));
                break;
            }

            case EventMessageIds.JobFailed:
            {
                var failed = new JobFailed
                {
                    JobId = job.JobId,
                    BatchId = job.BatchId,
                    Code = job.ErrorCode ?? "internal_error",
                    Message = job.ErrorMessage ?? "",
                    Retryable = job.ErrorRetryable ?? false,
                    Attempts = job.Attempts,
                    FailedAt = at,
                };
                await Publish(publish, failed, id, cancellationToken).ConfigureAwait(false);
                Notify(callback, job.JobId, url => WebhookEvents.For(failed, url));
                break;
            }

            default:
            {
                var canceled = new JobCanceled { JobId = job.JobId, BatchId = job.BatchId, Reason = job.ErrorMessage, CanceledAt = at };
                await Publish(publish, canceled, id, cancellationToken).ConfigureAwait(false);
                Notify(callback, job.JobId, url => WebhookEvents.For(canceled, url));
                break;
            }
        }
    }

    private static Task Publish<T>(IPublishEndpoint publish, T message, Guid messageId, CancellationToken cancellationToken)
        where T : class =>
        publish.Publish(message, c => c.MessageId = messageId, CancellationToken.None).WaitAsync(PublishTimeout, cancellationToken);

    /// <summary>The completion as the records tell it: queued from submission to first start plus the engine's own queue, total to the end.</summary>
    private static JobCompleted Completed(JobRecord job, ResultKeys keys, ResultMetadata metadata, DateTimeOffset at)
    {
        var waited = Math.Max(0, ((job.StartedAt ?? job.SubmittedAt) - job.SubmittedAt).TotalMilliseconds);
        return new JobCompleted
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
                TotalMs = Math.Max(0, (at - job.SubmittedAt).TotalMilliseconds),
            },
            CompletedAt = at,
        };
    }

    /// <summary>The callback URL of the job as it was submitted (its recorded request), or null.</summary>
    private Uri? CallbackOf(JobRecord record)
    {
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

    [LoggerMessage(EventId = 90, Level = LogLevel.Warning,
        Message = "Event {EventType} of {SubjectId} could not be published ({Reason}); it stays in the outbox and is published by the next sweep")]
    private static partial void LogNotPublished(ILogger logger, string eventType, string subjectId, string reason);

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Callback URL '{Url}' of {SubjectId} cannot be called: {Reason}")]
    private static partial void LogBadCallback(ILogger logger, string subjectId, string url, string reason);

    [LoggerMessage(EventId = 51, Level = LogLevel.Debug, Message = "Webhook {EventType} of {SubjectId} not queued (filtered out by Pipeline:Webhooks:Events, webhooks disabled, already queued under its event id, or the queue is full)")]
    private static partial void LogNotQueued(ILogger logger, string eventType, string subjectId);

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Job {JobId}: the recorded request cannot be read, so its callback is not called: {Reason}")]
    private static partial void LogUnreadableRequest(ILogger logger, string jobId, string reason);
}
