using Pipeline.Contracts;

namespace Pipeline.Scheduler.Datasets;

/// <summary>One line of a dataset's <c>manifest.jsonl</c>: an output image and how it was made.</summary>
public sealed record DatasetEntry
{
    /// <summary>The image, relative to the dataset folder: <c>images/&lt;jobId&gt;.png</c>.</summary>
    public required string File { get; init; }

    /// <summary>Lowercase hex SHA-256 of the image file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>The job that made it.</summary>
    public required string JobId { get; init; }

    /// <summary>The source image, relative to the source root.</summary>
    public required string Source { get; init; }

    /// <summary>The source image's input-store key (its SHA-256).</summary>
    public required string SourceKey { get; init; }

    /// <summary><c>variation</c> or <c>inpainting</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The seed used.</summary>
    public required long Seed { get; init; }

    /// <summary>Variation strength, or null.</summary>
    public float? Strength { get; init; }

    /// <summary>Inpainting mask in source pixels, or null.</summary>
    public MaskRectangle? Mask { get; init; }

    /// <summary>Steps requested (the class default when the schedule set none).</summary>
    public int? StepsRequested { get; init; }

    /// <summary>Steps the worker actually used (lower under backlog for bulk work).</summary>
    public required int StepsUsed { get; init; }

    /// <summary>Model pack that made it.</summary>
    public required string ModelPack { get; init; }

    /// <summary>That pack's version.</summary>
    public required string ModelVersion { get; init; }

    /// <summary>Denoiser graph that sampled it ("fp32" or "int8"), when recorded.</summary>
    public string? DenoiserPrecision { get; init; }

    /// <summary>Unmask order used, when recorded.</summary>
    public string? Order { get; init; }

    /// <summary>The schedule.</summary>
    public required string ScheduleId { get; init; }

    /// <summary>The run's period start (UTC).</summary>
    public required DateTimeOffset PeriodStart { get; init; }

    /// <summary>The batch.</summary>
    public required string BatchId { get; init; }
}
