namespace Pipeline.Client;

/// <summary>
/// <c>GET /v1/batches/{id}</c> (and the answer to <c>POST /v1/batches</c>): a batch and its job counts. Unknown
/// properties are ignored, so the API may add more.
/// </summary>
public sealed record BatchStatus
{
    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary><c>open</c> or <c>completed</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Jobs the batch will hold, when known.</summary>
    public int? ExpectedJobs { get; init; }

    /// <summary>Jobs waiting for a worker.</summary>
    public int Queued { get; init; }

    /// <summary>Jobs running.</summary>
    public int Running { get; init; }

    /// <summary>Jobs with a stored result.</summary>
    public int Succeeded { get; init; }

    /// <summary>Jobs that failed for good.</summary>
    public int Failed { get; init; }

    /// <summary>Jobs canceled.</summary>
    public int Canceled { get; init; }

    /// <summary>When the batch completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>True once every job has ended.</summary>
    public bool IsCompleted => string.Equals(Status, "completed", StringComparison.Ordinal);

    /// <summary>Jobs ended so far.</summary>
    public int Ended => Succeeded + Failed + Canceled;

    /// <summary>Jobs the batch holds: <see cref="ExpectedJobs"/>, or the recorded ones when unknown.</summary>
    public int Total => ExpectedJobs ?? Queued + Running + Ended;
}

/// <summary><c>GET /v1/batches/{id}/jobs?after=&amp;limit=</c>: a page of a batch's jobs ordered by job id.</summary>
public sealed record BatchJobsPage
{
    /// <summary>The jobs on this page.</summary>
    public required IReadOnlyList<BatchJob> Jobs { get; init; }

    /// <summary>The <c>after</c> value for the next page, or null on the last page.</summary>
    public string? Next { get; init; }
}

/// <summary>One job of a batch as the API reports it.</summary>
public sealed record BatchJob
{
    /// <summary>The job id.</summary>
    public required string JobId { get; init; }

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>canceled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>The failure code, once failed.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The failure message, once failed.</summary>
    public string? ErrorMessage { get; init; }
}
