using System.Collections.Concurrent;
using System.Security.Cryptography;
using Pipeline.Storage;
using Pipeline.Storage.Inputs;
using Pipeline.Storage.Jobs;
using Pipeline.Storage.Results;

namespace Pipeline.Api.Tests;

/// <summary>
/// The job store's contract in memory, for the endpoints' tests: inserts keyed by id, batch counts, pages in ordinal id
/// order. What workers do (running, results, failures) is <see cref="End"/>; the worker-only transitions are not needed.
/// </summary>
internal sealed class InMemoryJobStore : IJobStore
{
    private readonly ConcurrentDictionary<string, JobRecord> _jobs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BatchRecord> _batches = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Every list request: (batch, after, limit).</summary>
    public ConcurrentQueue<(string BatchId, string? After, int Limit)> Listed { get; } = new();

    /// <summary>Every job recorded.</summary>
    public IEnumerable<JobRecord> All => _jobs.Values;

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
                JobId = job.JobId,
                BatchId = job.BatchId,
                Kind = job.Kind,
                Priority = job.Priority,
                Status = JobStatus.Queued,
                RequestJson = job.RequestJson,
                SubmittedAt = job.SubmittedAt ?? now,
                CreatedAt = now,
                UpdatedAt = now,
                TraceId = job.TraceId,
            };
            _jobs[job.JobId] = record;
            return Task.FromResult(new JobInsert(true, record));
        }
    }

    public Task<JobRecord?> GetAsync(string jobId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_jobs.GetValueOrDefault(jobId));

    public Task<BatchInsert> InsertBatchAsync(NewBatch batch, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_batches.TryGetValue(batch.BatchId, out var existing))
            {
                return Task.FromResult(new BatchInsert(false, WithCounts(existing)));
            }

            var now = DateTimeOffset.UtcNow;
            _batches[batch.BatchId] = new BatchRecord
            {
                BatchId = batch.BatchId,
                Status = BatchStatus.Open,
                ExpectedJobs = batch.ExpectedJobs,
                CallbackUrl = batch.CallbackUrl,
                Counts = new BatchCounts(0, 0, 0, 0, 0),
                SubmittedAt = batch.SubmittedAt ?? now,
                CreatedAt = now,
            };
            return Task.FromResult(new BatchInsert(true, WithCounts(_batches[batch.BatchId])));
        }
    }

    public Task<BatchRecord?> GetBatchAsync(string batchId, CancellationToken cancellationToken = default) =>
        Task.FromResult(_batches.TryGetValue(batchId, out var batch) ? WithCounts(batch) : null);

    public Task<IReadOnlyList<JobRecord>> ListBatchJobsAsync(string batchId, string? afterJobId, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, 1000);
        Listed.Enqueue((batchId, afterJobId, limit));
        IReadOnlyList<JobRecord> page = [.. _jobs.Values
            .Where(j => j.BatchId == batchId && (afterJobId is null || string.CompareOrdinal(j.JobId, afterJobId) > 0))
            .OrderBy(j => j.JobId, StringComparer.Ordinal)
            .Take(limit)];
        return Task.FromResult(page);
    }

    public Task<JobTransition> CancelAsync(string jobId, string? reason, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<JobTransition> TryLeaseAsync(string jobId, string holder, TimeSpan duration, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<IReadOnlySet<string>> RenewLeasesAsync(string holder, IReadOnlyCollection<string> jobIds, TimeSpan duration,
        CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<JobTransition> ReleaseLeaseAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<JobTransition> MarkAnnouncedAsync(string jobId, string holder, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<JobTransition> ReportProgressAsync(string jobId, int stepsDone, int stepsTotal, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<JobTransition> MarkSucceededAsync(string jobId, string holder, JobSuccess success, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<JobTransition> MarkFailedAsync(string jobId, JobFailure failure, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException();

    public Task<BatchRecord?> TryCompleteBatchAsync(string batchId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    /// <summary>What a worker does at the end of a job; completes its batch when every expected job has ended.</summary>
    public void End(string jobId, JobStatus status, string? errorCode = null, string? errorMessage = null, int stepsUsed = 4)
    {
        lock (_gate)
        {
            var job = _jobs[jobId];
            var now = DateTimeOffset.UtcNow;
            _jobs[jobId] = job with
            {
                Status = status,
                StepsUsed = status == JobStatus.Succeeded ? stepsUsed : null,
                ErrorCode = errorCode,
                ErrorMessage = errorMessage,
                ErrorRetryable = errorCode is null ? null : false,
                Attempts = 1,
                StartedAt = now,
                FinishedAt = now,
                UpdatedAt = now,
            };
            if (job.BatchId is { } batchId && _batches.TryGetValue(batchId, out var batch)
                && WithCounts(batch).Counts.Ended >= batch.ExpectedJobs && batch.Status == BatchStatus.Open)
            {
                _batches[batchId] = batch with { Status = BatchStatus.Completed, CompletedAt = now };
            }
        }
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
}

/// <summary>Uploaded inputs in memory, keyed by their SHA-256 as the file store keys them.</summary>
internal sealed class InMemoryInputStore : IInputStore
{
    private readonly ConcurrentDictionary<string, byte[]> _inputs = new(StringComparer.Ordinal);

    public int Puts;

    public async Task<StoredInput> PutAsync(Stream content, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        if (buffer.Length == 0)
        {
            throw new StorageInputException(StorageInputException.InputEmpty, "the upload is empty");
        }

        Interlocked.Increment(ref Puts);
        var key = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
        var created = _inputs.TryAdd(key, buffer.ToArray());
        return new StoredInput(key, buffer.Length, created);
    }

    public Task<byte[]?> ReadAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(_inputs.GetValueOrDefault(key));

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(_inputs.TryGetValue(key, out var bytes) ? new MemoryStream(bytes, writable: false) : null);

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken = default) => Task.FromResult(_inputs.ContainsKey(key));

    public bool Has(string key) => _inputs.ContainsKey(key);
}

/// <summary>Result PNGs in memory; only what the result endpoints read.</summary>
internal sealed class InMemoryResultStore : IResultStore
{
    private readonly ConcurrentDictionary<string, byte[]> _images = new(StringComparer.Ordinal);

    public void Put(string jobId, byte[] png) => _images[jobId] = png;

    public Task<Stream?> OpenReadAsync(string jobId, ResultFile file, CancellationToken cancellationToken = default) =>
        Task.FromResult<Stream?>(file == ResultFile.Image && _images.TryGetValue(jobId, out var png) ? new MemoryStream(png, writable: false) : null);

    public Task<bool> ExistsAsync(string jobId, CancellationToken cancellationToken = default) => Task.FromResult(_images.ContainsKey(jobId));

    public Task<ResultWrite> WriteAsync(string jobId, ResultFiles files, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<StoredResult?> ReadAsync(string jobId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
