namespace Pipeline.Contracts;

/// <summary>
/// Event: the job succeeded and its result is stored. Published after the result files and the job record are
/// written, so a consumer that reads them on receipt finds them. May be published more than once for one job
/// (a redelivered message after a crash): consumers must be idempotent by <see cref="JobId"/>.
/// </summary>
public sealed record JobCompleted
{
    /// <summary>The job.</summary>
    public required string JobId { get; init; }

    /// <summary>Its batch, or null.</summary>
    public string? BatchId { get; init; }

    /// <summary>The result's key in the result store, <c>results/&lt;jobId&gt;</c>: the folder holding the files below.</summary>
    public required string ResultKey { get; init; }

    /// <summary>The PNG's key, <c>results/&lt;jobId&gt;/image.png</c>.</summary>
    public required string ImageKey { get; init; }

    /// <summary>The sampled tokens' key, <c>results/&lt;jobId&gt;/tokens.json</c> (a JSON array of code indices, row-major).</summary>
    public required string TokensKey { get; init; }

    /// <summary>The metadata's key, <c>results/&lt;jobId&gt;/metadata.json</c> (pack, seed, steps, order, temperature, timings).</summary>
    public required string MetadataKey { get; init; }

    /// <summary>The model pack that ran the job.</summary>
    public required string ModelPack { get; init; }

    /// <summary>The pack's version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>The seed used (the requested one, or the one the worker drew).</summary>
    public required long Seed { get; init; }

    /// <summary>Steps requested (or the class default), 1 or more.</summary>
    public required int StepsRequested { get; init; }

    /// <summary>Steps actually used, 1 to <see cref="StepsRequested"/>: lower under backlog (docs/architecture.md §4).</summary>
    public required int StepsUsed { get; init; }

    /// <summary>The unmask order used (<see cref="UnmaskOrders"/>).</summary>
    public required string Order { get; init; }

    /// <summary>Where the time went.</summary>
    public required ResultTimings Timings { get; init; }

    /// <summary>When the result was stored.</summary>
    public required DateTimeOffset CompletedAt { get; init; }
}
