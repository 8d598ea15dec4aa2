namespace Pipeline.Contracts.Fleet;

/// <summary>A queued job: the one that has waited longest in the fleet view.</summary>
public sealed record WaitingJob
{
    /// <summary>Its id.</summary>
    public required string JobId { get; init; }

    /// <summary>Its priority class.</summary>
    public required string Priority { get; init; }

    /// <summary>When it was submitted.</summary>
    public required DateTimeOffset SubmittedAt { get; init; }

    /// <summary>How long it has waited, in seconds, as of <see cref="FleetStatus.GeneratedAt"/>.</summary>
    public required double WaitingSeconds { get; init; }
}
