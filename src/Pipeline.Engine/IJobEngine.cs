namespace Pipeline.Engine;

/// <summary>
/// Runs jobs end to end (decode input → encode → mask → iterative unmask → decode → PNG) with
/// iteration-level batching. Safe to call from many threads: every call joins the same batches.
/// </summary>
public interface IJobEngine
{
    /// <summary>
    /// Runs one job to completion. Throws <see cref="InvalidJobException"/> for bad input (never worth a retry)
    /// and <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires; cancellation
    /// is honoured between iterations.
    /// </summary>
    Task<EngineResult> RunAsync(EngineJob job, IProgress<JobProgress>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Slots not occupied by running or admitted jobs: hosts size their prefetch to this.</summary>
    int FreeSlots { get; }

    /// <summary>Total slots (the largest batch one forward pass takes).</summary>
    int Capacity { get; }

    /// <summary>
    /// Tells the engine how many jobs wait outside it (e.g. the queue depth), so lower priority classes
    /// degrade toward their minimum steps under backlog.
    /// </summary>
    void ReportBacklog(int waitingJobs);
}

/// <summary>Progress of one job: the step it has reached of the steps it will use.</summary>
public readonly record struct JobProgress(string JobId, int Step, int Steps);
