namespace Pipeline.Storage.Jobs;

/// <summary>A batch as stored, with its job counts.</summary>
public sealed record BatchRecord
{
    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary>Open or completed.</summary>
    public required BatchStatus Status { get; init; }

    /// <summary>Jobs the batch will hold; null for a batch created implicitly by a job naming it (never completes by itself).</summary>
    public int? ExpectedJobs { get; init; }

    /// <summary>Where <c>BatchCompleted</c> is POSTed, or null.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Jobs by status.</summary>
    public required BatchCounts Counts { get; init; }

    /// <summary>When the producer submitted it (or when it was recorded).</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>When it was recorded.</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>When it completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
