using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>A job that passed validation, with its inputs decoded: everything the pack loop needs, nothing to check.</summary>
internal sealed record PreparedJob(
    EngineJob Job,
    EngineModelPack Pack,
    SamplerSettings Settings,
    float? Strength,
    FittedImage? Source,
    float[]? PixelMask,
    bool[]? TokenMask,
    float FeatherPixels);
