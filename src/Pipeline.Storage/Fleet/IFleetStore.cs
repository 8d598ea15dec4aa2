namespace Pipeline.Storage.Fleet;

/// <summary>
/// The fleet view on the job store's database: worker heartbeats (<c>workers</c>) and what the job records say about the
/// queue. Writes are idempotent (an upsert keyed by worker id, a delete). Calls are not retried here: a heartbeat that
/// fails is simply followed by the next one, and a reader asks again.
/// </summary>
public interface IFleetStore
{
    /// <summary>Inserts or replaces the worker's row, stamping it last seen now.</summary>
    Task UpsertWorkerAsync(WorkerHeartbeat heartbeat, CancellationToken cancellationToken = default);

    /// <summary>Deletes the worker's row (a graceful stop); false when there was none.</summary>
    Task<bool> RemoveWorkerAsync(string workerId, CancellationToken cancellationToken = default);

    /// <summary>The workers seen within <paramref name="timeout"/> before now, ordered by id.</summary>
    Task<IReadOnlyList<WorkerRecord>> ListLiveWorkersAsync(TimeSpan timeout, CancellationToken cancellationToken = default);

    /// <summary>Deletes the rows of workers not seen for longer than <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> PruneWorkersAsync(TimeSpan olderThan, CancellationToken cancellationToken = default);

    /// <summary>The queued jobs by priority and the oldest of them.</summary>
    Task<QueueDepth> GetQueueDepthAsync(CancellationToken cancellationToken = default);

    /// <summary>The jobs that ended within <paramref name="window"/> before now, by outcome.</summary>
    Task<JobThroughput> GetThroughputAsync(TimeSpan window, CancellationToken cancellationToken = default);
}
