using System.Text.Json;
using MassTransit;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;

namespace Pipeline.Worker.Jobs;

/// <summary>
/// Records a job's end and announces it: the record first, then the event, then the batch's completion, so whoever
/// reacts to an event finds the record already written.
/// </summary>
public sealed class JobOutcomes(IJobStore jobs, TimeProvider time)
{
    /// <summary>Marks the job succeeded with <paramref name="metadata"/>'s steps and publishes <see cref="JobCompleted"/>.</summary>
    public async Task SucceededAsync(IPublishEndpoint publish, SubmitJob job, ResultKeys keys, ResultMetadata metadata,
        DateTimeOffset receivedAt, CancellationToken cancellationToken)
    {
        var transition = await jobs.MarkSucceededAsync(job.JobId, new JobSuccess(keys.ResultKey, metadata.StepsUsed), cancellationToken)
            .ConfigureAwait(false);
        if (transition.Job?.Status != JobStatus.Succeeded)
        {
            // Canceled (or failed) while it ran: the record keeps that outcome and no completion is announced.
            return;
        }

        var now = time.GetUtcNow();
        var submittedAt = job.SubmittedAt ?? receivedAt;
        var waited = Math.Max(0, (receivedAt - submittedAt).TotalMilliseconds);
        await publish.Publish(new JobCompleted
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
        }, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, job.BatchId, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks the job failed and publishes <see cref="JobFailed"/> when this call failed it.</summary>
    public async Task FailedAsync(IPublishEndpoint publish, string jobId, string? batchId, JobFailure failure, CancellationToken cancellationToken)
    {
        var transition = await jobs.MarkFailedAsync(jobId, failure, cancellationToken).ConfigureAwait(false);
        if (!transition.Applied)
        {
            return;
        }

        await publish.Publish(new JobFailed
        {
            JobId = jobId,
            BatchId = batchId,
            Code = failure.Code,
            Message = failure.Message,
            Retryable = failure.Retryable,
            Attempts = transition.Job?.Attempts ?? 0,
            FailedAt = time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
        await CompleteBatchAsync(publish, batchId, cancellationToken).ConfigureAwait(false);
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

        await publish.Publish(new BatchCompleted
        {
            BatchId = batch.BatchId,
            Total = batch.Counts.Total,
            Succeeded = batch.Counts.Succeeded,
            Failed = batch.Counts.Failed,
            Canceled = batch.Counts.Canceled,
            CompletedAt = batch.CompletedAt ?? time.GetUtcNow(),
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The metadata JSON a result stores, and back.</summary>
    public static byte[] SerializeMetadata(ResultMetadata metadata) => JsonSerializer.SerializeToUtf8Bytes(metadata, ContractJson.Options);

    /// <inheritdoc cref="SerializeMetadata"/>
    public static ResultMetadata DeserializeMetadata(byte[] json) =>
        JsonSerializer.Deserialize<ResultMetadata>(json, ContractJson.Options) ?? throw new JsonException("result metadata is null");
}
