namespace Pipeline.Contracts.Fleet;

/// <summary>The jobs recorded <c>queued</c>: submitted, not yet started by a worker.</summary>
public sealed record FleetBacklog
{
    /// <summary>Queued jobs per priority class: every class of <see cref="JobPriorities.All"/> (0 when none), plus any other stored value.</summary>
    public required IReadOnlyDictionary<string, int> ByPriority { get; init; }

    /// <summary>All queued jobs.</summary>
    public required int Total { get; init; }

    /// <summary>The job waiting longest; absent when nothing waits.</summary>
    public WaitingJob? Oldest { get; init; }
}
