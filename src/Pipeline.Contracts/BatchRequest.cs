namespace Pipeline.Contracts;

/// <summary>The body of <c>POST /v1/batches</c> (read by the API, written by the .NET client).</summary>
public sealed record BatchRequest
{
    /// <summary>The batch id and idempotency key; absent: the <c>Idempotency-Key</c> header, else a new UUID v7.</summary>
    public string? BatchId { get; init; }

    /// <summary>1 to <see cref="SubmitBatch.MaxJobs"/> jobs. An item without a job id gets <c>&lt;batchId&gt;.&lt;index&gt;</c>, so a retried batch maps to the same jobs.</summary>
    public IReadOnlyList<JobRequest>? Jobs { get; init; }

    /// <summary>Where <see cref="BatchCompleted"/> is POSTed.</summary>
    public Uri? CallbackUrl { get; init; }
}
