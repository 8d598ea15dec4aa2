using System.Runtime.InteropServices;
using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// The image steps of a job over this library: guarded decode, centre-crop fit to the model size, masks carried through
/// the same fit as their image, feathered compositing and PNG. Its errors name the input and say what to change.
/// Stateless, so one instance serves every thread.
/// </summary>
/// <param name="limits">Caps on encoded bytes and header pixels. Default <see cref="ImageReadLimits.Default"/>.</param>
public sealed class ImageCodec(ImageReadLimits? limits = null) : IImageCodec
{
    public ImageReadLimits Limits { get; } = limits ?? ImageReadLimits.Default;

    public FittedImage DecodeAndFit(ReadOnlyMemory<byte> encoded, int width, int height)
    {
        try
        {
            return ImageFitter.Fit(ImageReader.Read(AsArray(encoded), Limits), width, height);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "source image");
        }
    }

    public RgbImage Decode(ReadOnlyMemory<byte> encoded)
    {
        try
        {
            return ImageReader.Read(AsArray(encoded), Limits);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "source image");
        }
    }

    public PixelMask DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            return MaskFitter.ToModel(MaskReader.Read(AsArray(maskImage), Limits), source.Transform);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "mask");
        }
    }

    public PixelMask RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        ArgumentNullException.ThrowIfNull(source);
        try
        {
            var fit = source.Transform;
            var inSource = PixelMask.FromRectangles(fit.SourceWidth, fit.SourceHeight,
                [.. rectangles.Select(r => new PixelRect(r.X, r.Y, r.Width, r.Height))]);
            return MaskFitter.ToModel(inSource, fit);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "mask rectangles");
        }
    }

    public RgbImage Composite(FittedImage original, ReadOnlySpan<float> generated, PixelMask mask, float featherPixels)
    {
        ArgumentNullException.ThrowIfNull(original);
        return Compositor.Composite(original.Image, generated, mask, featherPixels);
    }

    public byte[] EncodePng(RgbImage image) => PngWriter.Encode(image);

    // ImageReader takes an array; a job's bytes usually are one already (File.ReadAllBytes, a message body).
    private static byte[] AsArray(ReadOnlyMemory<byte> memory) =>
        MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();

    /// <summary>The same code, and a message that names the input and says what to do about it.</summary>
    private ImageInputException Explained(ImageInputException e, string what)
    {
        var hint = e.Code switch
        {
            ContractErrorCodes.ImageEmpty => $"Give the {what} as a {ImagingConfiguration.SupportedFormats} file with content.",
            ContractErrorCodes.ImageUndecodable => $"Give the {what} as a complete {ImagingConfiguration.SupportedFormats} file.",
            ContractErrorCodes.ImageTruncated => $"The {what} file is cut short: upload the whole file again, or re-export it.",
            ContractErrorCodes.ImageInconsistent => $"The {what} file is damaged: re-export it from the original.",
            ContractErrorCodes.ImageTooLarge => $"Downscale the {what} to at most {Limits.MaxDimension} pixels a side, {Limits.MaxPixels} pixels and {Limits.MaxBytes} bytes.",
            ContractErrorCodes.MaskSizeMismatch => "Give a mask of the source image's size (white = regenerate) or of the model's size.",
            ContractErrorCodes.MaskInvalid => "Mark at least one pixel to regenerate in white, or give rectangles with an area inside the image.",
            _ => null,
        };
        return new ImageInputException(e.Code, hint is null ? $"{what}: {e.Message}" : $"{what}: {e.Message} {hint}", e);
    }
}
