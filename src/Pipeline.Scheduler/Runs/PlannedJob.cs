using Pipeline.Contracts;

namespace Pipeline.Scheduler.Runs;

/// <summary>One job of a run, as planned: everything the dataset manifest records about how an image was made.</summary>
public sealed record PlannedJob
{
    /// <summary>The job id, <c>&lt;batchId&gt;-&lt;image index&gt;-&lt;v|i&gt;&lt;index&gt;</c>.</summary>
    public required string JobId { get; init; }

    /// <summary>The source image's path relative to the source root.</summary>
    public required string Source { get; init; }

    /// <summary>The source image's input-store key.</summary>
    public required string SourceKey { get; init; }

    /// <summary><c>variation</c> or <c>inpainting</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>The seed, derived from schedule id, period, image and index.</summary>
    public required long Seed { get; init; }

    /// <summary>Variation strength, or null.</summary>
    public float? Strength { get; init; }

    /// <summary>Inpainting mask, in source pixels, or null.</summary>
    public MaskRectangle? Mask { get; init; }
}
