using System.Runtime.InteropServices;
using Pipeline.Imaging;
using ImagingRectangle = Pipeline.Imaging.MaskRectangle;

namespace Pipeline.Engine.Adapters;

/// <summary>
/// The engine's image port over Pipeline.Imaging: guarded decode, fit to the model size, masks carried through the
/// same fit as their image, feathered compositing and PNG. Stateless, so one instance serves every thread.
/// </summary>
/// <remarks>
/// The engine's <see cref="FittedImage"/> keeps only the source and model sizes, not the Imaging fit geometry; the
/// geometry is a pure function of those sizes and <see cref="Policy"/>, so masks recompute it rather than carry it.
/// </remarks>
public sealed class ImagingImageCodec : IImageCodec
{
    /// <param name="policy">How a source of another size or aspect ratio becomes the model size. Default center-crop.</param>
    /// <param name="limits">Caps on encoded bytes and header pixels. Default <see cref="ImageReadLimits.Default"/>.</param>
    /// <param name="maskSizes">What to do with a mask of neither the source's nor the model's size. Default strict (reject).</param>
    public ImagingImageCodec(FitPolicy policy = FitPolicy.CenterCrop, ImageReadLimits? limits = null, MaskSizePolicy maskSizes = MaskSizePolicy.Strict)
    {
        Policy = policy;
        Limits = limits ?? ImageReadLimits.Default;
        MaskSizes = maskSizes;
    }

    public FitPolicy Policy { get; }

    public ImageReadLimits Limits { get; }

    public MaskSizePolicy MaskSizes { get; }

    public FittedImage DecodeAndFit(ReadOnlyMemory<byte> encoded, int width, int height)
    {
        try
        {
            var source = ImageReader.Read(AsArray(encoded), Limits);
            var fitted = ImageFitter.Fit(source, width, height, Policy);
            return new FittedImage(PlanarPixels.ToPlanar(fitted.Image), width, height, source.Width, source.Height, fitted.Description);
        }
        catch (ImageInputException e)
        {
            throw ToInvalidJob(e, "source image");
        }
    }

    public float[] DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return ToFloats(MaskFitter.ToModel(MaskReader.Read(AsArray(maskImage), Limits), Transform(source), MaskSizes));
        }
        catch (ImageInputException e)
        {
            throw ToInvalidJob(e, "mask");
        }
    }

    public float[] RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var inSource = PixelMask.FromRectangles(source.SourceWidth, source.SourceHeight,
                [.. rectangles.Select(r => new ImagingRectangle(r.X, r.Y, r.Width, r.Height))]);
            return ToFloats(MaskFitter.ToModel(inSource, Transform(source), MaskSizes));
        }
        catch (ImageInputException e)
        {
            throw ToInvalidJob(e, "mask rectangles");
        }
    }

    public void Composite(ReadOnlySpan<float> original, ReadOnlySpan<float> pixelMask, int width, int height, float featherPixels,
        Span<float> generated)
    {
        // The original came from ToPlanar (exact 8-bit levels), so the round trip through bytes loses nothing there,
        // and the Compositor's promise (pixels away from the mask are the original's, byte for byte) holds.
        var mask = new bool[width * height];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = pixelMask[i] >= 0.5f;
        }

        var result = Compositor.Composite(
            PlanarPixels.FromPlanar(original, width, height),
            PlanarPixels.FromPlanar(generated, width, height),
            new PixelMask(width, height, mask),
            featherPixels);
        PlanarPixels.ToPlanar(result, generated);
    }

    public byte[] EncodePng(ReadOnlySpan<float> planarRgb, int width, int height) =>
        PngWriter.Encode(PlanarPixels.FromPlanar(planarRgb, width, height));

    private FitTransform Transform(FittedImage source) =>
        FitTransform.Create(source.SourceWidth, source.SourceHeight, source.Width, source.Height, Policy);

    private static float[] ToFloats(PixelMask mask) => [.. mask.Values.Select(v => v ? 1f : 0f)];

    // ImageReader takes an array; a job's bytes usually are one already (File.ReadAllBytes, a message body).
    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    /// <summary>Same code as Imaging's, and a message that says what to do about it.</summary>
    private InvalidJobException ToInvalidJob(ImageInputException e, string what)
    {
        var hint = e.Code switch
        {
            ImageErrorCodes.Empty => $"Give the {what} as a PNG, JPEG, GIF, BMP or WebP file with content.",
            ImageErrorCodes.Undecodable => $"Give the {what} as a complete PNG, JPEG, GIF, BMP or WebP file (re-export it if it was cut short).",
            ImageErrorCodes.TooLarge => $"Downscale the {what} to at most {Limits.MaxDimension} pixels a side, {Limits.MaxPixels} pixels and {Limits.MaxBytes} bytes.",
            ImageErrorCodes.MaskSizeMismatch => "Give a mask of the source image's size (white = regenerate) or of the model's size.",
            ImageErrorCodes.MaskInvalid => "Mark at least one pixel to regenerate in white, or give rectangles with an area inside the image.",
            _ => null,
        };
        return new InvalidJobException(e.Code, hint is null ? $"{what}: {e.Message}" : $"{what}: {e.Message} {hint}", e);
    }
}
