using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// The image steps of one job, as the engine takes them: decode and fit a source to the model size, choose the work
/// region around a mask and bring the mask there, composite a result back over its source at the source's resolution,
/// encode PNG. <see cref="ImageCodec"/> is the
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
    /// Decodes a mask image (white = regenerate) given at the source's size, or at the model's size in the model's view
    /// of the source (its centred fit), and chooses the work region around it: the part of the source the model
    /// regenerates (<see cref="WorkRegion"/>), fitted to the model's size, with the mask there and at the source's size.
    /// </summary>
    MaskedSource DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source);

    /// <summary>Rasterises rectangles given in source-image pixels and chooses the work region around them; as <see cref="DecodeMask"/>.</summary>
    MaskedSource RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source);

    /// <summary>
    /// The result at the source's resolution: <paramref name="generated"/> (planar RGB [3, height, width] at the model's
    /// size, unclamped) resized onto <paramref name="work"/>'s region of the source, inside <paramref name="sourceMask"/>
    /// (source pixels), the source outside, blended over an edge <paramref name="featherPixels"/> model pixels wide
    /// (see <see cref="SourceComposer"/>). For a model-size source this is <see cref="Compositor"/>'s result.
    /// </summary>
    RgbImage Composite(FittedImage work, ReadOnlySpan<float> generated, PixelMask sourceMask, float featherPixels);

    /// <summary>Encodes <paramref name="image"/> as PNG.</summary>
    byte[] EncodePng(RgbImage image);
}
