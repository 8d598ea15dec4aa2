namespace Pipeline.Engine;

/// <summary>
/// The image steps of a job, kept behind an interface so the engine does not depend on how images are decoded.
/// The host implements it over Pipeline.Imaging. Methods are called from the caller of RunAsync (decode) and from
/// the engine's loop (composite, encode), possibly from several threads at once.
/// Bad input must throw <see cref="InvalidJobException"/> with a stable code (e.g. "image_undecodable",
/// "image_too_large", "mask_size_mismatch"); any other exception is treated as a fault of the system, not the job.
/// </summary>
public interface IImageCodec
{
    /// <summary>Decodes <paramref name="encoded"/> (PNG, JPEG, …) within the size limits and fits it to width × height.</summary>
    FittedImage DecodeAndFit(ReadOnlyMemory<byte> encoded, int width, int height);

    /// <summary>
    /// Decodes a mask image (white = regenerate) given at the source's size or the model's size and maps it through
    /// the same fit as <paramref name="source"/>. Returns Height × Width values in [0, 1], row-major, at model size.
    /// </summary>
    float[] DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source);

    /// <summary>Rasterises rectangles given in source-image pixels through the fit of <paramref name="source"/>; as <see cref="DecodeMask"/>.</summary>
    float[] RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source);

    /// <summary>
    /// Inpainting: replaces <paramref name="generated"/> outside the mask with <paramref name="original"/>, blending
    /// over an edge <paramref name="featherPixels"/> wide. Images are planar RGB [3, height, width] in [0, 1].
    /// </summary>
    void Composite(ReadOnlySpan<float> original, ReadOnlySpan<float> pixelMask, int width, int height, float featherPixels,
        Span<float> generated);

    /// <summary>Encodes planar RGB [3, height, width] in [0, 1] as PNG.</summary>
    byte[] EncodePng(ReadOnlySpan<float> planarRgb, int width, int height);
}
