namespace Pipeline.Scheduler.Contracts;

/// <summary>
/// Inpaints per image, each with one random rectangle (about the image's aspect ratio, random position) covering at
/// least a fraction of the image drawn uniformly from [<see cref="MinCoverage"/>, <see cref="MaxCoverage"/>]: its area
/// is that fraction rounded up to whole pixels.
/// </summary>
public sealed record InpaintSpec
{
    /// <summary>Inpaints per image, 1–100.</summary>
    public required int PerImage { get; init; }

    /// <summary>Smallest fraction of the image masked, in (0, 1]. Default 0.1.</summary>
    public float MinCoverage { get; init; } = 0.1f;

    /// <summary>Largest fraction drawn, in [<see cref="MinCoverage"/>, 1]. Default 0.4.</summary>
    public float MaxCoverage { get; init; } = 0.4f;
}
