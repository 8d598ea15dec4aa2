namespace Pipeline.Scheduler.Contracts;

/// <summary>Variations per image, each re-masking a fraction drawn uniformly from [<see cref="MinStrength"/>, <see cref="MaxStrength"/>].</summary>
public sealed record VariationSpec
{
    /// <summary>Variations per image, 1–100.</summary>
    public required int PerImage { get; init; }

    /// <summary>Lowest strength, in (0, 1]. Default 0.3.</summary>
    public float MinStrength { get; init; } = 0.3f;

    /// <summary>Highest strength, in [<see cref="MinStrength"/>, 1]. Default 0.7.</summary>
    public float MaxStrength { get; init; } = 0.7f;
}
