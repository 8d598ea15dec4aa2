using System.Collections.Concurrent;
using Pipeline.Storage.Jobs;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>The job store's contract (forward-only, terminal once) in memory.</summary>
internal sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public JobRecord? this[string jobId] => _jobs.GetValueOrDefault(jobId);

    public Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(job.JobId, out var existing))
            {
                return Task.FromResult(new JobInsert(false, existing));
            }

            var now = DateTimeOffset.UtcNow;
            var record = new JobRecord
            {
                JobId = job.JobId, BatchId = job.BatchId, Kind = job.Kind, Priority = job.Priority, Status = JobStatus.Queued,
                RequestJson = job.RequestJson, SubmittedAt = job.SubmittedAt ?? now, CreatedAt = now, UpdatedAt = now,
            };
            _jobs[job.JobId] = record;
            return Task.FromResult(new JobInsert(true, record));
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(this[jobId]);

    public Task<JobTransition> MarkRunningAsync(string jobId, CancellationToken cancellationToken = default) =>
        Move(jobId, s => s is JobStatus.Queued or JobStatus.Running, r => r with { Status = JobStatus.Running, Attempts = r.Attempts + 1 });

    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) =>
        Move(jobId, s => s == JobStatus.Running, r => r with { ProgressStep = Math.Max(r.ProgressStep, stepsDone), ProgressSteps = stepsTotal });

    public Task<JobTransition> MarkSucceededAsync(string jobId, JobSuccess success, CancellationToken cancellationToken = default) =>
        Move(jobId, s => !s.IsTerminal(), r => r with { Status = JobStatus.Succeeded, ResultKey = success.ResultKey, StepsUsed = success.StepsUsed });

    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default) =>
        Move(jobId, s => !s.IsTerminal(), r => r with
        {
            Status = JobStatus.Failed, ErrorCode = failure.Code, ErrorMessage = failure.Message, ErrorRetryable = failure.Retryable,
        });

    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) =>
        Move(jobId, s => !s.IsTerminal(), r => r with { Status = JobStatus.Canceled, ErrorMessage = reason });

    public Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) => Task.FromResult<BatchRecord?>(null);

    public Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobRecord>>([]);

    public Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default) => Task.FromResult<BatchRecord?>(null);

    private Task<JobTransition> Move(string jobId, Func<JobStatus, bool> allowed, Func<JobRecord, JobRecord> change)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var record))
            {
                return Task.FromResult(new JobTransition(false, null));
            }

            if (!allowed(record.Status))
            {
                return Task.FromResult(new JobTransition(false, record));
            }

            var changed = change(record) with { UpdatedAt = DateTimeOffset.UtcNow };
            _jobs[jobId] = changed;
            return Task.FromResult(new JobTransition(true, changed));
        }
    }
}
