using Pipeline.Storage.Jobs;
using Polly;

namespace Pipeline.Storage.Resilience;

/// <summary>
/// Runs every call of an <see cref="IJobStore"/> through the storage pipeline. Safe because every write is
/// idempotent (keyed inserts, forward-only conditional updates); the one imprecision is that a retried
/// <see cref="IJobStore.MarkRunningAsync"/> whose first commit reached the server may count an attempt twice, and a
/// retried <see cref="IJobStore.TryCompleteBatchAsync"/> whose first commit was lost in transit returns null, so
/// that rare batch is announced by nobody (its record still reads completed).
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
    public Task<JobTransition> MarkRunningAsync(string jobId, CancellationToken cancellationToken = default) =>
        Run(ct => inner.MarkRunningAsync(jobId, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) =>
        Run(ct => inner.ReportProgressAsync(jobId, stepsDone, stepsTotal, ct), cancellationToken);

    /// <inheritdoc />
    public Task<JobTransition> MarkSucceededAsync(string jobId, JobSuccess success, CancellationToken cancellationToken = default) =>
        Run(ct => inner.MarkSucceededAsync(jobId, success, ct), cancellationToken);

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
