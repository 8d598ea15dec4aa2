using Pipeline.Contracts;

namespace Pipeline.Client;

/// <summary>
/// <c>GET /v1/batches/{id}</c> (and the answer to <c>POST /v1/batches</c>): a batch and its job counts by status.
/// Unknown properties are ignored, so the API may add more.
/// </summary>
public sealed record BatchView
{
    /// <summary>The batch id.</summary>
    public required string BatchId { get; init; }

    /// <summary><c>open</c>, or <c>completed</c> once every expected job has ended.</summary>
    public required string Status { get; init; }

    /// <summary>Jobs the batch was submitted with (null for a batch that grew from single jobs naming it).</summary>
    public int? ExpectedJobs { get; init; }

    /// <summary>Recorded jobs by status.</summary>
    public BatchCounts Counts { get; init; } = new();

    /// <summary>When the batch was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When the batch completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>True once every job has ended.</summary>
    public bool IsCompleted => string.Equals(Status, "completed", StringComparison.Ordinal);

    /// <summary>Jobs the batch holds: <see cref="ExpectedJobs"/>, or the recorded ones when unknown.</summary>
    public int Expected => ExpectedJobs ?? Counts.Total;
}

/// <summary>A batch's recorded jobs by status (<c>counts</c> in the batch view).</summary>
public sealed record BatchCounts
{
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

    /// <summary>Jobs recorded.</summary>
    public int Total => Queued + Running + Ended;

    /// <summary>Jobs ended (succeeded, failed or canceled).</summary>
    public int Ended => Succeeded + Failed + Canceled;

    /// <summary>The sum of two sets of counts (for several batches shown as one).</summary>
    public static BatchCounts operator +(BatchCounts a, BatchCounts b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new BatchCounts
        {
            Queued = a.Queued + b.Queued,
            Running = a.Running + b.Running,
            Succeeded = a.Succeeded + b.Succeeded,
            Failed = a.Failed + b.Failed,
            Canceled = a.Canceled + b.Canceled,
        };
    }

    /// <summary>The sum, as a named method (CA2225).</summary>
    public static BatchCounts Add(BatchCounts a, BatchCounts b) => a + b;
}

/// <summary>What <c>POST /v1/batches</c> answered: the batch, and whether this call created it (202) or it existed (200).</summary>
public sealed record BatchSubmission(BatchView Batch, bool Created);

/// <summary><c>GET /v1/batches/{id}/jobs?after=&amp;limit=</c>: a page of a batch's jobs ordered by job id.</summary>
public sealed record BatchJobsPage
{
    /// <summary>The jobs on this page.</summary>
    public required IReadOnlyList<BatchJob> Jobs { get; init; }

    /// <summary>The <c>after</c> value for the next page, or null on the last page.</summary>
    public string? Next { get; init; }
}

/// <summary>One job as the API reports it (the job view of <c>GET /v1/jobs/{id}</c>; the fields a bulk client needs).</summary>
public sealed record BatchJob
{
    /// <summary>The job id.</summary>
    public required string JobId { get; init; }

    /// <summary>The batch, if any.</summary>
    public string? BatchId { get; init; }

    /// <summary><c>generation</c>, <c>variation</c> or <c>inpainting</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>The priority class.</summary>
    public string? Priority { get; init; }

    /// <summary><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>canceled</c>.</summary>
    public required string Status { get; init; }

    /// <summary>Steps used, once succeeded.</summary>
    public int? StepsUsed { get; init; }

    /// <summary>How many times a worker started it.</summary>
    public int Attempts { get; init; }

    /// <summary>Why it failed, or the cancel reason.</summary>
    public JobError? Error { get; init; }

    /// <summary>When it was submitted.</summary>
    public DateTimeOffset? SubmittedAt { get; init; }

    /// <summary>When it ended.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>True for <c>succeeded</c>.</summary>
    public bool IsSucceeded => string.Equals(Status, "succeeded", StringComparison.Ordinal);

    /// <summary>True for a status that never changes again.</summary>
    public bool IsEnded => Status is "succeeded" or "failed" or "canceled";
}

/// <summary>A job's failure (or cancel reason): the stable code, the message, and whether a retry could help.</summary>
public sealed record JobError(string? Code, string? Message, bool? Retryable);
