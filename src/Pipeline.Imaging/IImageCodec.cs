using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// The image steps of one job, as the engine takes them: decode and fit a source to the model size, bring a mask to
/// that size through the same fit, composite a result over its source, encode PNG. <see cref="ImageCodec"/> is the
/// implementation; the interface is the seam where the engine's tests put images that are plain bytes. Called from the
/// engine's callers (decode) and from its loop (composite, encode), possibly from several threads at once.
/// Bad input throws <see cref="ImageInputException"/> whose code and message a user can act on; any other exception is
/// a fault of the system, not of the job.
/// </summary>
public interface IImageCodec
{
    /// <summary>Decodes <paramref name="encoded"/> (PNG, JPEG, …) within the size limits and fits it to width × height.</summary>
    FittedImage DecodeAndFit(ReadOnlyMemory<byte> encoded, int width, int height);

    /// <summary>Decodes <paramref name="encoded"/> within the size limits at its own size (canvas jobs place sources unresized).</summary>
    /// <param name="what">How messages name the input ("source image", "mask", "upload").</param>
    RgbImage Decode(ReadOnlyMemory<byte> encoded, string what = "source image");

    /// <summary>
    /// Decodes a mask image (white = regenerate) given at the source's size or the model's size and maps it through the
    /// fit of <paramref name="source"/>, to the model size.
    /// </summary>
    PixelMask DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source);

    /// <summary>Rasterises rectangles given in source-image pixels through the fit of <paramref name="source"/>; as <see cref="DecodeMask"/>.</summary>
    PixelMask RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source);

    /// <summary>
    /// Inpainting: <paramref name="generated"/> (planar RGB [3, height, width], unclamped) inside the mask, the original
    /// outside, blended over an edge <paramref name="featherPixels"/> wide (see <see cref="Compositor"/>).
    /// </summary>
    RgbImage Composite(FittedImage original, ReadOnlySpan<float> generated, PixelMask mask, float featherPixels);

    /// <summary>Encodes <paramref name="image"/> as PNG.</summary>
    byte[] EncodePng(RgbImage image);
}
