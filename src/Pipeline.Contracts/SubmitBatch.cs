namespace Pipeline.Contracts;

/// <summary>
/// Command: record a batch and submit its jobs. Sent to <see cref="PipelineEndpoints.BatchQueue"/>; the consumer
/// records the batch, then sends each job as a <see cref="SubmitJob"/> with the batch id filled in. For more than
/// <see cref="MaxJobs"/> jobs, send several batches or send <see cref="SubmitJob"/> messages carrying a batch id.
/// </summary>
public sealed record SubmitBatch
{
    /// <summary>The most jobs one batch message carries (keeps a message well under 1 MB).</summary>
    public const int MaxJobs = 1000;

    /// <summary>Required. The batch id and idempotency key (same rule as <see cref="SubmitJob.JobId"/>).</summary>
    public required string BatchId { get; init; }

    /// <summary>Required. 1 to <see cref="MaxJobs"/> jobs; each one's <see cref="SubmitJob.BatchId"/> is null or equal to <see cref="BatchId"/>.</summary>
    public required IReadOnlyList<SubmitJob> Jobs { get; init; }

    /// <summary>Optional. An absolute http(s) URL that receives a POST of <see cref="BatchCompleted"/> once every job has ended.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Optional. When the producer submitted the batch; null: the time it was received.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }
}
