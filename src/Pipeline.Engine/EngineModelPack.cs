using Pipeline.Inference;

namespace Pipeline.Engine;

/// <summary>
/// What the engine needs of a model pack. The host builds one per loaded pack from the Inference project's
/// ModelPack (manifest + sessions); the engine never disposes the denoiser or codec, their owner does.
/// </summary>
/// <param name="Name">Pack name used in jobs, e.g. "emoji-32".</param>
/// <param name="Version">Recorded in every result.</param>
/// <param name="ImageWidth">Model image width in pixels (manifest image.width).</param>
/// <param name="ImageHeight">Model image height in pixels (manifest image.height).</param>
/// <param name="LatentHeight">Token grid rows h (manifest latent.height).</param>
/// <param name="LatentWidth">Token grid columns w (manifest latent.width).</param>
/// <param name="CodebookSize">V; the MASK id is V (manifest codebookSize, maskId).</param>
/// <param name="Defaults">Sampling values used when a job leaves them out (manifest sampling).</param>
public sealed record EngineModelPack(
    string Name,
    string Version,
    int ImageWidth,
    int ImageHeight,
    int LatentHeight,
    int LatentWidth,
    int CodebookSize,
    IDenoiser Denoiser,
    IVqCodec Codec,
    PackSamplingDefaults Defaults)
{
    /// <summary>Which denoiser graph runs, as results record it: "fp32" (the pack's denoiser) or "int8" (its quantized one).</summary>
    public string DenoiserPrecision { get; init; } = "fp32";

    /// <summary>N = h × w tokens per image.</summary>
    public int SequenceLength => LatentHeight * LatentWidth;

    /// <summary>Throws <see cref="InvalidOperationException"/> when the sizes disagree with the denoiser or codec.</summary>
    public void EnsureConsistent()
    {
        if (Denoiser.SequenceLength != SequenceLength || Codec.SequenceLength != SequenceLength
            || Denoiser.CodebookSize != CodebookSize || Codec.CodebookSize != CodebookSize
            || Codec.ImageWidth != ImageWidth || Codec.ImageHeight != ImageHeight)
        {
            throw new InvalidOperationException(
                $"model pack {Name} {Version}: manifest sizes (N={SequenceLength}, V={CodebookSize}, {ImageWidth}x{ImageHeight}) " +
                $"disagree with its graphs (denoiser N={Denoiser.SequenceLength}, V={Denoiser.CodebookSize}; " +
                $"codec N={Codec.SequenceLength}, V={Codec.CodebookSize}, {Codec.ImageWidth}x{Codec.ImageHeight})");
        }
    }
}
