namespace Pipeline.Storage.Jobs;

/// <summary>
/// Job and batch records (PostgreSQL). Every write is idempotent, so the resilience pipeline may retry it and a
/// redelivered message may repeat it:
/// inserts are keyed by id (a repeat returns the existing record); status moves only forward
/// (<c>queued → running → succeeded | failed</c>, <c>queued | running → canceled</c>); a terminal status is
/// written once and never changes. A transition that does not apply returns <see cref="JobTransition.Applied"/>
/// = false with the record as it is, so the caller can tell "already done" from "not found".
/// <para>
/// A job is worked on under a <em>lease</em> (<see cref="TryLeaseAsync"/>): one worker at a time holds it, renews it
/// while the job runs, and only the holder can mark the job succeeded; a lease that is not renewed expires, and then
/// another worker may take the job over.
/// </para>
/// <para>
/// Terminal events go through the outbox (<see cref="Outbox.IEventOutbox"/>): the statement that makes a job succeeded,
/// failed or canceled, or a batch completed, also writes that event's outbox row (at most one per event type and id), so
/// the state and its announcement commit together or not at all; the row is published from there.
/// </para>
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
    /// Takes the job's lease for <paramref name="holder"/> until now + <paramref name="duration"/>. Applied for
    /// <list type="bullet">
    /// <item>a <c>queued</c> job, or a <c>running</c> one whose lease expired, was given back, or is
    /// <paramref name="holder"/>'s own: it becomes (stays) <c>running</c> and the attempt is counted — the holder runs it;</item>
    /// <item>a <c>succeeded</c> job whose announcement lease expired or is <paramref name="holder"/>'s own: the status stays,
    /// and the holder publishes its completion (the worker that computed it died before it could).</item>
    /// </list>
    /// Not applied while another worker's lease is live, or when the job has ended and been announced; the record tells which.
    /// </summary>
    Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends to now + <paramref name="duration"/> the leases <paramref name="holder"/> still holds among
    /// <paramref name="jobIds"/>, and returns their ids, with those <paramref name="holder"/> itself marked succeeded (the
    /// success ends the lease; nothing was lost). An id left out was lost: another worker took the job over after the lease
    /// expired, the job was canceled or failed, or the lease was given back.
    /// </summary>
    Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Gives back <paramref name="holder"/>'s lease on a <c>running</c> job it could not finish (a fault, a shutdown), so
    /// the next delivery of its message may take it at once instead of waiting for the lease to expire. Not applied for
    /// a job that is not running or whose lease is someone else's.
    /// </summary>
    Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends <paramref name="holder"/>'s lease on a <c>succeeded</c> job that still has one — a job that succeeded before the
    /// outbox existed, whose worker died before announcing it — and writes its <c>JobCompleted</c> outbox row in the same
    /// statement. Jobs marked succeeded since have no such lease (<see cref="MarkSucceededAsync"/> ends it).
    /// </summary>
    Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default);

    /// <summary>Records progress of a <c>running</c> job; the step only grows (a late, smaller report is ignored).</summary>
    Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>running → succeeded</c>, once, with the result key and steps used — only for the lease holder, so of two workers
    /// that computed a job (one took it over from the other) exactly one call applies. The same statement ends the lease
    /// and writes the job's <c>JobCompleted</c> outbox row.
    /// </summary>
    Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default);

    /// <summary><c>queued | running → failed</c>, once, with the reason; ends any lease and writes the <c>JobFailed</c> outbox row.</summary>
    Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default);

    /// <summary><c>queued | running → canceled</c>, once; ends any lease and writes the <c>JobCanceled</c> outbox row. Not applied (and harmless) when the job has already ended.</summary>
    Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default);

    /// <summary>Records a batch unless its id exists; returns whether it was new and the stored record with counts.</summary>
    Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default);

    /// <summary>The batch with its per-status job counts, or null.</summary>
    Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default);

    /// <summary>A page of a batch's jobs ordered by job id: those after <paramref name="afterJobId"/> (null: from the start), at most <paramref name="limit"/> (1–1000).</summary>
    Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default);

    /// <summary>
    /// <c>open → completed</c> when the batch's expected jobs are all recorded and ended. Returns the record when
    /// this call completed it, and null otherwise (not finished yet, already completed, open-ended, or unknown). The same
    /// statement writes the <c>BatchCompleted</c> outbox row, which announces it (and calls its callback).
    /// </summary>
    Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default);
}
