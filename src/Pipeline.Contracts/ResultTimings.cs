namespace Pipeline.Contracts;

/// <summary>Where a job's time went, in milliseconds, each 0 or more.</summary>
public sealed record ResultTimings
{
    /// <summary>From submission (or receipt) to admission into an engine slot.</summary>
    public required double QueuedMs { get; init; }

    /// <summary>Decoding and encoding the source image (0 for generation).</summary>
    public required double EncodeMs { get; init; }

    /// <summary>The sampling loop: the job's share of batched transformer forwards.</summary>
    public required double SampleMs { get; init; }

    /// <summary>Token decode, compositing and PNG encoding.</summary>
    public required double DecodeMs { get; init; }

    /// <summary>Submission (or receipt) to result stored.</summary>
    public required double TotalMs { get; init; }
}
