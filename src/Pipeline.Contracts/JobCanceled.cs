namespace Pipeline.Contracts;

/// <summary>Event: the job was canceled before it finished (a <see cref="CancelJob"/> arrived in time).</summary>
public sealed record JobCanceled
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>The reason given with the cancel, or null.</summary>
    public string? Reason { get; init; }

    /// <summary>When the cancel was recorded.</summary>
    public required DateTimeOffset CanceledAt { get; init; }
}
