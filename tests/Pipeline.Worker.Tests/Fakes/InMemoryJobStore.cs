using System.Collections.Concurrent;
using Pipeline.Contracts;
using Pipeline.Storage.Jobs;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>
/// The job store's contract (forward-only, terminal once; leases as <see cref="IJobStore.TryLeaseAsync"/> describes them;
/// batches inserted once, completed once) in memory, on the clock given (leases expire by it).
/// </summary>
internal sealed class InMemoryJobStore(TimeProvider? time = null, InMemoryEventOutbox? outbox = null) : IJobStore
{
    /// <summary>The outbox the terminal transitions write to, in the same step (as the real store's one statement does).</summary>
    public InMemoryEventOutbox Outbox { get; } = outbox ?? new InMemoryEventOutbox();

    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BatchRecord> _batches = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _jobInserts;
    private int _batchInserts;

    public JobRecord? this[string jobId] => _jobs.GetValueOrDefault(jobId);

    /// <summary>Job inserts that created a record.</summary>
    public int JobInserts => Volatile.Read(ref _jobInserts);

    /// <summary>Batch inserts that created (or completed an implicit) record.</summary>
    public int BatchInserts => Volatile.Read(ref _batchInserts);

    /// <summary>Every recorded job.</summary>
    public IReadOnlyCollection<JobRecord> Jobs => [.. _jobs.Values];

    public Task<JobInsert> InsertAsync(NewJob job, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_jobs.TryGetValue(job.JobId, out var existing))
            {
                return Task.FromResult(new JobInsert(false, existing));
            }

            var now = DateTimeOffset.UtcNow;
            if (job.BatchId is not null && !_batches.ContainsKey(job.BatchId))
            {
                // As PostgresJobStore: a job naming an unknown batch creates an open, open-ended batch record.
                _batches[job.BatchId] = new BatchRecord
                {
                    BatchId = job.BatchId, Status = BatchStatus.Open, Counts = new BatchCounts(0, 0, 0, 0, 0), SubmittedAt = now, CreatedAt = now,
                };
            }

            var record = new JobRecord
            {
                JobId = job.JobId, BatchId = job.BatchId, Kind = job.Kind, Priority = job.Priority, Status = JobStatus.Queued,
                RequestJson = job.RequestJson, SubmittedAt = job.SubmittedAt ?? now, CreatedAt = now, UpdatedAt = now, TraceId = job.TraceId,
            };
            _jobs[job.JobId] = record;
            _jobInserts++;
            return Task.FromResult(new JobInsert(true, record));
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(this[jobId]);

    /// <summary>Leases taken (applied <see cref="TryLeaseAsync"/> calls), by job id.</summary>
    public ConcurrentDictionary<string, int> LeasesTaken { get; } = new(StringComparer.Ordinal);

    public Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow();
        bool Lapsed(JobRecord r) => r.LeaseExpiresAt is null || r.LeaseExpiresAt <= now || r.LeasedBy == holder;
        var moved = MoveRecord(jobId, r => r.Status switch
        {
            JobStatus.Queued => true,
            JobStatus.Running => Lapsed(r),
            JobStatus.Succeeded => r.LeaseExpiresAt is not null && Lapsed(r),
            _ => false,
        }, r => r with
        {
            Status = r.Status == JobStatus.Queued ? JobStatus.Running : r.Status,
            Attempts = r.Status == JobStatus.Succeeded ? r.Attempts : r.Attempts + 1,
            LeasedBy = holder,
            LeaseExpiresAt = now + duration,
        });
        if (moved.Applied)
        {
            LeasesTaken.AddOrUpdate(jobId, 1, (_, n) => n + 1);
        }

        return Task.FromResult(moved);
    }

    public Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration,
        CancellationToken cancellationToken = default)
    {
        var held = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in jobIds)
        {
            if (MoveRecord(id, r => r.LeasedBy == holder && r.LeaseExpiresAt is not null, r => r with { LeaseExpiresAt = _time.GetUtcNow() + duration }).Applied
                || this[id] is { Status: JobStatus.Succeeded } succeeded && succeeded.LeasedBy == holder)
            {
                held.Add(id);
            }
        }

        return Task.FromResult<IReadOnlySet<string>>(held);
    }

    public Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        Move(jobId, s => s == JobStatus.Running, r => r with { LeaseExpiresAt = null }, r => r.LeasedBy == holder && r.LeaseExpiresAt is not null);

    public Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        Announcing(EventMessageIds.JobCompleted, jobId,
            Move(jobId, s => s == JobStatus.Succeeded, r => r with { LeaseExpiresAt = null }, r => r.LeasedBy == holder && r.LeaseExpiresAt is not null));

    /// <summary>Another worker's live lease on <paramref name="jobId"/>, as if it had taken the job.</summary>
    public void LeaseTo(string jobId, string holder, DateTimeOffset expires) =>
        MoveRecord(jobId, _ => true, r => r with { Status = JobStatus.Running, LeasedBy = holder, LeaseExpiresAt = expires, Attempts = r.Attempts + 1 });

    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) =>
        Move(jobId, s => s == JobStatus.Running, r => r with { ProgressStep = Math.Max(r.ProgressStep, stepsDone), ProgressSteps = stepsTotal });

    public Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default) =>
        Announcing(EventMessageIds.JobCompleted, jobId, Move(jobId, s => s == JobStatus.Running,
            r => r with { Status = JobStatus.Succeeded, ResultKey = success.ResultKey, StepsUsed = success.StepsUsed, LeaseExpiresAt = null, FinishedAt = DateTimeOffset.UtcNow },
            r => r.LeasedBy == holder));

    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default) =>
        Announcing(EventMessageIds.JobFailed, jobId, Move(jobId, s => !s.IsTerminal(), r => r with
        {
            Status = JobStatus.Failed, ErrorCode = failure.Code, ErrorMessage = failure.Message, ErrorRetryable = failure.Retryable, LeaseExpiresAt = null,
        }));

    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) =>
        Announcing(EventMessageIds.JobCanceled, jobId,
            Move(jobId, s => !s.IsTerminal(), r => r with { Status = JobStatus.Canceled, ErrorMessage = reason, LeaseExpiresAt = null }));

    public Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var now = DateTimeOffset.UtcNow;
            var created = false;
            if (!_batches.TryGetValue(batch.BatchId, out var existing) || existing.ExpectedJobs is null)
            {
                _batches[batch.BatchId] = new BatchRecord
                {
                    BatchId = batch.BatchId, Status = BatchStatus.Open, ExpectedJobs = batch.ExpectedJobs, CallbackUrl = batch.CallbackUrl,
                    Counts = new BatchCounts(0, 0, 0, 0, 0), SubmittedAt = batch.SubmittedAt ?? now, CreatedAt = existing?.CreatedAt ?? now,
                };
                created = true;
                _batchInserts++;
            }

            return Task.FromResult(new BatchInsert(created, WithCounts(_batches[batch.BatchId])));
        }
    }

    public Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_batches.TryGetValue(batchId, out var batch) ? WithCounts(batch) : null);
        }
    }

    public Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<JobRecord>>([.. _jobs.Values
            .Where(j => j.BatchId == batchId && (afterJobId is null || string.CompareOrdinal(j.JobId, afterJobId) > 0))
            .OrderBy(j => j.JobId, StringComparer.Ordinal).Take(limit)]);

    public Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_batches.TryGetValue(batchId, out var batch) || batch.Status != BatchStatus.Open || batch.ExpectedJobs is not { } expected
                || WithCounts(batch).Counts.Ended < expected)
            {
                return Task.FromResult<BatchRecord?>(null);
            }

            var completed = batch with { Status = BatchStatus.Completed, CompletedAt = DateTimeOffset.UtcNow };
            _batches[batchId] = completed;
            Outbox.Add(EventMessageIds.BatchCompleted, batchId);
            return Task.FromResult<BatchRecord?>(WithCounts(completed));
        }
    }

    /// <summary>Writes the event's outbox row when the transition applied (the real store does both in one statement).</summary>
    private Task<JobTransition> Announcing(string eventType, string jobId, Task<JobTransition> transition)
    {
        if (transition.Result.Applied)
        {
            Outbox.Add(eventType, jobId);
        }

        return transition;
    }

    private BatchRecord WithCounts(BatchRecord batch)
    {
        var jobs = _jobs.Values.Where(j => j.BatchId == batch.BatchId).ToList();
        int Count(JobStatus status) => jobs.Count(j => j.Status == status);
        return batch with
        {
            Counts = new BatchCounts(Count(JobStatus.Queued), Count(JobStatus.Running), Count(JobStatus.Succeeded), Count(JobStatus.Failed),
                Count(JobStatus.Canceled)),
        };
    }

    private Task<JobTransition> Move(string jobId, Func<JobStatus, bool> allowed, Func<JobRecord, JobRecord> change,
        Func<JobRecord, bool>? alsoRequires = null) =>
        Task.FromResult(MoveRecord(jobId, r => allowed(r.Status) && (alsoRequires?.Invoke(r) ?? true), change));

    private JobTransition MoveRecord(string jobId, Func<JobRecord, bool> allowed, Func<JobRecord, JobRecord> change)
    {
        lock (_gate)
        {
            if (!_jobs.TryGetValue(jobId, out var record))
            {
                return new JobTransition(false, null);
            }

            if (!allowed(record))
            {
                return new JobTransition(false, record);
            }

            var changed = change(record) with { UpdatedAt = DateTimeOffset.UtcNow };
            _jobs[jobId] = changed;
            return new JobTransition(true, changed);
        }
    }
}
