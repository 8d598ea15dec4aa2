namespace Pipeline.Engine;

/// <summary>A finished job: the PNG, the sampled tokens and the metadata a result store writes beside them.</summary>
public sealed record EngineResult(string JobId, byte[] Png, long[] Tokens, ResultMetadata Metadata);

/// <summary>Everything needed to reproduce and audit a result.</summary>
public sealed record ResultMetadata
{
    public required string JobId { get; init; }
    public required string Kind { get; init; }
    public required string ModelPack { get; init; }
    public required string ModelVersion { get; init; }
    /// <summary>The denoiser graph that sampled it: "fp32" or "int8" (the same seed gives other tokens at the other precision).</summary>
    public string DenoiserPrecision { get; init; } = "fp32";
    public required long Seed { get; init; }
    public required string Priority { get; init; }
    public required int StepsRequested { get; init; }
    public required int StepsUsed { get; init; }
    public required string Order { get; init; }
    public required float Temperature { get; init; }
    public int? TopK { get; init; }
    public float? Strength { get; init; }
    /// <summary>Tokens that were masked and resampled.</summary>
    public int MaskedTokens { get; init; }
    /// <summary>
    /// The part of the source the model saw, fitted to the model size: "center-crop 96×96 at (16,0) of 128×96, resize to
    /// 32×32" (a variation's centred fit), "region 40,8 128×128 of 256×192 -> 32×32" (an inpainting's work region
    /// around its mask), "32×32 used as is"; null without a source.
    /// </summary>
    public string? SourceFit { get; init; }
    /// <summary>The PNG's width: a variation's or inpainting's source's (results come back at its resolution), a canvas's, else the model's.</summary>
    public int ImageWidth { get; init; }
    /// <summary>Canvas jobs: the model-size windows that sample the canvas (its forward rows per step at most); null for a model-size job.</summary>
    public int? CanvasWindows { get; init; }
    public int ImageHeight { get; init; }
    /// <summary>Forward passes this job took part in (skipped empty steps are not counted).</summary>
    public int ForwardPasses { get; init; }
    public required JobTimings Timings { get; init; }
}

public sealed record JobTimings(double QueuedMs, double EncodeMs, double SampleMs, double DecodeMs, double TotalMs);
