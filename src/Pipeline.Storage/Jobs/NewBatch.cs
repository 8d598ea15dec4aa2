namespace Pipeline.Storage.Jobs;

/// <summary>A batch to record.</summary>
public sealed record NewBatch
{
    /// <summary>The batch id (idempotency key), same rule as job ids.</summary>
    public required string BatchId { get; init; }

    /// <summary>How many jobs the batch will hold, 1 or more; it completes when that many are recorded and ended.</summary>
    public required int ExpectedJobs { get; init; }

    /// <summary>Where <c>BatchCompleted</c> is POSTed, or null.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>When the producer submitted it; null: the store's clock.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }
}
