using System.Collections.Concurrent;
using Pipeline.Storage.Fleet;

namespace Pipeline.Worker.Tests.Fakes;

/// <summary>
/// The worker's side of <see cref="IFleetStore"/> in memory: every beat kept with the clock's time when it arrived, rows by
/// id; the next writes can be made to throw.
/// </summary>
internal sealed class RecordingFleetStore(TimeProvider time) : IFleetStore
{
    private int _failures;

    public ConcurrentQueue<WorkerHeartbeat> Beats { get; } = new();

    public ConcurrentQueue<DateTimeOffset> BeatTimes { get; } = new();

    public ConcurrentDictionary<string, WorkerHeartbeat> Rows { get; } = new(StringComparer.Ordinal);

    public ConcurrentQueue<string> Removed { get; } = new();

    /// <summary>How many of the next upserts and removes throw, as a database that does not answer would.</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failures);
        set => Volatile.Write(ref _failures, value);
    }

    public Task UpsertWorkerAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Rows[heartbeat.WorkerId] = heartbeat;
        BeatTimes.Enqueue(time.GetUtcNow());
        Beats.Enqueue(heartbeat);
        return Task.CompletedTask;
    }

    public Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default)
    {
        ThrowIfFailing();
        Removed.Enqueue(workerId);
        return Task.FromResult(Rows.TryRemove(workerId, out _));
    }

    public Task<IReadOnlyList<WorkerRecord>> ListLiveWorkersAsync(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("workers only write");

    public Task<int> PruneWorkersAsync(TimeSpan olderThan, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("workers only write");

    public Task<QueueDepth> GetQueueDepthAsync(CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("workers only write");

    public Task<JobThroughput> GetThroughputAsync(TimeSpan window, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("workers only write");

    private void ThrowIfFailing()
    {
        if (Interlocked.Decrement(ref _failures) >= 0)
        {
            throw new TimeoutException("the database does not answer");
        }

        Interlocked.Exchange(ref _failures, 0);
    }
}
