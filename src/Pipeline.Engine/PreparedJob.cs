using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>A job that passed validation, with its inputs decoded: everything the pack loop needs, nothing to check.</summary>
/// <param name="Source">Variation and inpainting: the source image fitted to the model size.</param>
/// <param name="PixelMask">Inpainting: the pixels to regenerate, at the model size (composited over <paramref name="Source"/>).</param>
/// <param name="TokenMask">Inpainting: the tokens to regenerate (every token whose patch touches the pixel mask).</param>
internal sealed record PreparedJob(
    EngineJob Job,
    EngineModelPack Pack,
    SamplerSettings Settings,
    float? Strength,
    FittedImage? Source,
    PixelMask? PixelMask,
    bool[]? TokenMask,
    float FeatherPixels)
{
    /// <summary>Canvas jobs (larger than the model, outpainting, stitching): the canvas and its sources; null for a model-size job.</summary>
    public Canvas.CanvasLayout? Canvas { get; init; }
}
