namespace Pipeline.Contracts;

/// <summary>
/// Command: cancel a job. Sent to <see cref="PipelineEndpoints.CancelQueue"/>: its consumer marks the job canceled
/// in the job store and publishes <see cref="JobCanceled"/>. A queued job then never runs (workers check the
/// record before running), a running one stops between iterations (workers watch <see cref="JobCanceled"/>),
/// and a job that has already ended keeps its outcome: cancel is a no-op then.
/// </summary>
public sealed record CancelJob
{
    /// <summary>Required. The job to cancel.</summary>
    public required string JobId { get; init; }

    /// <summary>Optional. Why, for the job record (at most 1000 characters).</summary>
    public string? Reason { get; init; }

    /// <summary>Optional. When cancellation was requested; null: the time it was received.</summary>
    public DateTimeOffset? RequestedAt { get; init; }
}
