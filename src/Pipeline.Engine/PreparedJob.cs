using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>A job that passed validation, with its inputs decoded: everything the pack loop needs, nothing to check.</summary>
/// <param name="Source">
/// Variation: the source image fitted to the model size (its centred fit). Inpainting: the work region around the mask
/// fitted to the model size. Either holds the whole source when that is not the model's size, for the result.
/// </param>
/// <param name="PixelMask">Inpainting: the pixels to regenerate, at the model size (they decide the tokens).</param>
/// <param name="TokenMask">Inpainting: the tokens to regenerate (every token whose patch touches the pixel mask).</param>
/// <param name="FeatherPixels">Inpainting, and variation of a source not of the model's size: the blend band, in model pixels.</param>
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

    /// <summary>Inpainting: the pixels to regenerate at the source's size (composited back there, <see cref="ResultImage"/>).</summary>
    public PixelMask? SourceMask { get; init; }
}
