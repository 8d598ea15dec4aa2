using Pipeline.Storage.Jobs;
using Polly;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// Runs every call of an <see cref="IJobStore"/> through the storage pipeline. Safe because every write is
/// idempotent (keyed inserts, forward-only conditional updates, leases a holder may take again, outbox rows keyed by
/// event); the imprecisions are that a retried <see cref="IJobStore.TryLeaseAsync"/> whose first commit reached the
/// server counts an attempt twice, and a retried terminal transition in the same case answers "not applied" with the
/// record as the first commit left it (callers of <see cref="IJobStore.MarkSucceededAsync"/> check the holder on the
/// record, not just <see cref="JobTransition.Applied"/>; a lost <see cref="IJobStore.TryCompleteBatchAsync"/> answer
/// returns null). Either way the event's outbox row was committed with the first write, so the outbox sweep announces it.
/// </summary>
public sealed class ResilientJobStore(IJobStore inner, ResiliencePipeline pipeline) : IJobStore
{
    /// <inheritdoc />
    public Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default) =>
        Run(ct => inner.InsertAsync(job, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        Run(ct => inner.GetAsync(jobId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default) =>
        Run(ct => inner.TryLeaseAsync(jobId, holder, duration, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration,
        CancellationToken cancellationToken = default) =>
        Run(ct => inner.RenewLeasesAsync(holder, jobIds, duration, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        Run(ct => inner.ReleaseLeaseAsync(jobId, holder, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        Run(ct => inner.MarkAnnouncedAsync(jobId, holder, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) =>
        Run(ct => inner.ReportProgressAsync(jobId, stepsDone, stepsTotal, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default) =>
        Run(ct => inner.MarkSucceededAsync(jobId, holder, success, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default) =>
        Run(ct => inner.MarkFailedAsync(jobId, failure, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) =>
        Run(ct => inner.CancelAsync(jobId, reason, ct), cancellationToken);

    /// <inheritdoc />
    public Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default) =>
        Run(ct => inner.InsertBatchAsync(batch, ct), cancellationToken);

    /// <inheritdoc />
    public Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        Run(ct => inner.GetBatchAsync(batchId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default) =>
        Run(ct => inner.ListBatchJobsAsync(batchId, afterJobId, limit, ct), cancellationToken);

    /// <inheritdoc />
    public Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        Run(ct => inner.TryCompleteBatchAsync(batchId, ct), cancellationToken);

    private Task<T> Run<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken,
        [System.Runtime.CompilerServices.CallerMemberName] string method = "") =>
        pipeline.RunAsync("jobs", call, cancellationToken, method);
}
