namespace Pipeline.Storage.Jobs;

/// <summary>
/// Job and batch records (PostgreSQL). Every write is idempotent, so the resilience pipeline may retry it and a
/// redelivered message may repeat it:
/// inserts are keyed by id (a repeat returns the existing record); status moves only forward
/// (<c>queued → running → succeeded | failed</c>, <c>queued | running → canceled</c>); a terminal status is
/// written once and never changes. A transition that does not apply returns <see cref="JobTransition.Applied"/>
/// = false with the record as it is, so the caller can tell "already done" from "not found".
/// </summary>
public interface IJobStore
{
    /// <summary>
    /// Records a new <c>queued</c> job unless its id exists; returns whether it was new and the stored record
    /// (the existing one, unchanged, for a repeat). A job naming a batch with no record creates an open batch record.
    /// </summary>
    Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default);

    /// <summary>The job, or null.</summary>
    Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>queued | running → running</c>: a worker starts (or, after a redelivery, restarts) the job; counts the
    /// attempt. Not applied when the job has ended — the worker should then acknowledge without running it.
    /// </summary>
    Task<JobTransition> MarkRunningAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Records progress of a <c>running</c> job; the step only grows (a late, smaller report is ignored).</summary>
    Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default);

    /// <summary><c>queued | running → succeeded</c>, once, with the result key and steps used.</summary>
    Task<JobTransition> MarkSucceededAsync(string jobId, JobSuccess success, CancellationToken cancellationToken = default);

    /// <summary><c>queued | running → failed</c>, once, with the reason.</summary>
    Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default);

    /// <summary><c>queued | running → canceled</c>, once. Not applied (and harmless) when the job has already ended.</summary>
    Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Records a batch unless its id exists; returns whether it was new and the stored record with counts.</summary>
    Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default);

    /// <summary>The batch with its per-status job counts, or null.</summary>
    Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>A page of a batch's jobs ordered by job id: those after <paramref name="afterJobId"/> (null: from the start), at most <paramref name="limit"/> (1–1000).</summary>
    Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>open → completed</c> when the batch's expected jobs are all recorded and ended. Returns the record when
    /// this call completed it — exactly one caller gets it, and that one publishes <c>BatchCompleted</c> and calls
    /// the callback — and null otherwise (not finished yet, already completed, open-ended, or unknown).
    /// </summary>
    Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default);
}
