using System.Collections.Concurrent;
using Pipeline.Storage.Fleet;

namespace Pipeline.Api.Tests;

/// <summary>
/// The fleet store's read side with what a test puts in it: workers, queue depth and throughput are returned as set, and
/// the windows the endpoint asks with are kept (the SQL behind them is tested on PostgreSQL in Pipeline.Storage.Tests).
/// </summary>
internal sealed class InMemoryFleetStore : IFleetStore
{
    public List<WorkerRecord> Workers { get; } = [];

    public QueueDepth Queue { get; set; } = new(new Dictionary<string, int>(), null);

    public JobThroughput Throughput { get; set; } = new(TimeSpan.FromMinutes(1), 0, 0, 0);

    /// <summary>Each call's window: ("live", timeout), ("prune", olderThan), ("throughput", window).</summary>
    public ConcurrentQueue<(string Call, TimeSpan Window)> Calls { get; } = new();

    public Task UpsertWorkerAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the Api only reads");

    public Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the Api only reads");

    public Task<IReadOnlyList<WorkerRecord>> ListLiveWorkersAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("live", timeout));
        return Task.FromResult<IReadOnlyList<WorkerRecord>>([.. Workers]);
    }

    public Task<int> PruneWorkersAsync(TimeSpan olderThan, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("prune", olderThan));
        return Task.FromResult(0);
    }

    public Task<QueueDepth> GetQueueDepthAsync(CancellationToken cancellationToken = default) => Task.FromResult(Queue);

    public Task<JobThroughput> GetThroughputAsync(TimeSpan window, CancellationToken cancellationToken = default)
    {
        Calls.Enqueue(("throughput", window));
        return Task.FromResult(Throughput with { Window = window });
    }
}
