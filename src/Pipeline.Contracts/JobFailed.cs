namespace Pipeline.Contracts;

/// <summary>
/// Event: the job failed for good (bad input, or a transient fault that outlasted every retry). Its record has
/// status <c>failed</c> with the same code and message.
/// </summary>
public sealed record JobFailed
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>
    /// A stable machine-readable reason in snake_case, e.g. <c>image_too_large</c>, <c>steps_out_of_range</c>,
    /// <c>unknown_model</c>, <c>input_not_found</c>, <c>internal_error</c>.
    /// </summary>
    public required string Code { get; init; }

    /// <summary>A human-readable explanation (at most 2000 characters).</summary>
    public required string Message { get; init; }

    /// <summary>
    /// False for bad input (resubmitting the same job fails the same way); true for a transient fault that
    /// outlasted the retries (resubmitting under a new job id may succeed).
    /// </summary>
    public required bool Retryable { get; init; }

    /// <summary>How many times a worker started the job, 0 or more.</summary>
    public int Attempts { get; init; }

    /// <summary>When the failure was recorded.</summary>
    public required DateTimeOffset FailedAt { get; init; }
}
