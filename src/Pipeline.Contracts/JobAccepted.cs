namespace Pipeline.Contracts;

/// <summary>
/// Event: a worker took the job (its lease on the record) and is about to run it. Published each time a worker starts
/// the job: once, unless the worker died and another took the job over after its lease expired.
/// </summary>
public sealed record JobAccepted
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>The job kind (<see cref="JobKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The priority class (<see cref="JobPriorities"/>).</summary>
    public required string Priority { get; init; }

    /// <summary>The model pack requested, or null for the default pack.</summary>
    public string? ModelPack { get; init; }

    /// <summary>When the worker took the job.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }
}
