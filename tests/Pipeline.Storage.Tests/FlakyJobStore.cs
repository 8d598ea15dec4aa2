using Pipeline.Storage.Jobs;

namespace Pipeline.Storage.Tests;

/// <summary>An <see cref="IJobStore"/> whose <see cref="GetAsync"/> throws <c>failure()</c> for the first N calls, then succeeds.</summary>
internal sealed class FlakyJobStore(int failures, Func<Exception> failure) : IJobStore
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _calls) <= failures)
        {
            throw failure();
        }

        return Task.FromResult<JobRecord?>(new JobRecord
        {
            JobId = jobId,
            Kind = "generation",
            Status = JobStatus.Queued,
            Priority = "standard",
            RequestJson = "{}",
            SubmittedAt = DateTimeOffset.UnixEpoch,
            CreatedAt = DateTimeOffset.UnixEpoch,
            UpdatedAt = DateTimeOffset.UnixEpoch,
        });
    }

    public Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
