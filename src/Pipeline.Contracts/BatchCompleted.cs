namespace Pipeline.Contracts;

/// <summary>
/// Event: every job of a batch has ended (succeeded, failed or canceled). Published once per batch, by the
/// worker whose job ended last; the batch's callback URL, if any, receives it too.
/// </summary>
public sealed record BatchCompleted
{
    /// <summary>The batch.</summary>
    public required string BatchId { get; init; }

    /// <summary>Jobs in the batch, 1 or more.</summary>
    public required int Total { get; init; }

    /// <summary>Jobs that succeeded.</summary>
    public required int Succeeded { get; init; }

    /// <summary>Jobs that failed.</summary>
    public required int Failed { get; init; }

    /// <summary>Jobs that were canceled.</summary>
    public required int Canceled { get; init; }

    /// <summary>When the last job ended.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
