namespace Pipeline.Contracts;

/// <summary>Event: a worker recorded the job (status <c>queued</c>) and will run it. Published once per new job id.</summary>
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

    /// <summary>When the job was recorded.</summary>
    public required DateTimeOffset AcceptedAt { get; init; }
}
