namespace Pipeline.Contracts;

/// <summary>
/// Event: a running job reached a step. Workers throttle these (a few per second per job at most); consumers
/// must tolerate gaps and reordering: <see cref="Step"/> only ever grows for one job, so keep the largest.
/// </summary>
public sealed record JobProgressed
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>Steps done, 0 to <see cref="Steps"/>.</summary>
    public required int Step { get; init; }

    /// <summary>Steps the job will use in total (after the step budget), 1 or more.</summary>
    public required int Steps { get; init; }

    /// <summary>When the step was reached.</summary>
    public required DateTimeOffset At { get; init; }
}
