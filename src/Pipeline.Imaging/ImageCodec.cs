using System.Runtime.InteropServices;
using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// The image steps of a job over this library: guarded decode, centre-crop fit to the model size (the source kept), an
/// inpainting's work region around its mask with the mask carried through the same fit as its image, feathered
/// compositing back into the source at its resolution, and PNG. Its errors name the input and say what to change.
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
            var source = ImageReader.Read(AsArray(encoded), Limits);
            var fitted = ImageFitter.Fit(source, width, height);
            // Kept so the result can be composed back at the source's resolution (SourceComposer).
            return fitted.Transform.IsIdentity ? fitted : fitted with { Original = source };
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "source image");
        }
    }

    /// <summary>
    /// Decodes <paramref name="encoded"/> within the limits, as <see cref="DecodeAndFit"/> does before fitting: the check a
    /// host runs on an upload before accepting it (the API, the CLI), so the same file gets the same code everywhere.
    /// </summary>
    /// <param name="encoded">The file's bytes.</param>
    /// <param name="what">How messages name the input ("source image", "mask", "upload").</param>
    /// <exception cref="ImageInputException">Bad input, with a message that says what to change.</exception>
    /// <exception cref="TimeoutException">The process-wide decode budget stayed full (transient: retry later).</exception>
    public RgbImage Decode(ReadOnlyMemory<byte> encoded, string what = "source image")
    {
        try
        {
            return ImageReader.Read(AsArray(encoded), Limits);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, what);
        }
    }

    /// <summary>
    /// Decodes a mask image at its own size (as <see cref="DecodeMask"/> does before fitting it); a mask that marks no
    /// pixel is <c>mask_invalid</c>. Whether its size suits the source is the caller's check (it needs the model's size).
    /// </summary>
    /// <exception cref="ImageInputException">Bad input, with a message that says what to change.</exception>
    /// <exception cref="TimeoutException">The process-wide decode budget stayed full (transient: retry later).</exception>
    public PixelMask DecodeMaskImage(ReadOnlyMemory<byte> maskImage)
    {
        try
        {
            var mask = MaskReader.Read(AsArray(maskImage), Limits);
            return mask.Count > 0 ? mask : throw MaskFitter.NoPixelSelected();
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "mask");
        }
    }

    /// <summary>A mask size mismatch, explained as <see cref="DecodeMask"/> explains it; <paramref name="modelSizes"/> may be empty.</summary>
    public static ImageInputException MaskSizeMismatch((int Width, int Height) mask, (int Width, int Height) source,
        IReadOnlyCollection<(int Width, int Height)> modelSizes)
    {
        ArgumentNullException.ThrowIfNull(modelSizes);
        var models = modelSizes.Count == 0 ? "" : $" or a model's ({string.Join(", ", modelSizes.Select(s => $"{s.Width}×{s.Height}"))})";
        return new ImageInputException(ContractErrorCodes.MaskSizeMismatch,
            $"mask: The mask is {mask.Width}×{mask.Height}; it must be the source image's size ({source.Width}×{source.Height}){models}. "
            + "Give a mask of the source image's size (white = regenerate) or of the model's size.");
    }

    /// <summary>
    /// Why a mask whose set pixels lie in <paramref name="maskBounds"/> (source pixels) cannot be inpainted in one job at
    /// any of <paramref name="modelSizes"/> — it spans more than one work region holds (<see cref="WorkRegion"/>) — in
    /// the words <see cref="DecodeMask"/> would use; null when some model size holds it (or none is given).
    /// </summary>
    /// <param name="what">How the message names the mask ("mask", "mask rectangles").</param>
    public static ImageInputException? MaskSpreadRefusal(PixelRect maskBounds, (int Width, int Height) source,
        IReadOnlyCollection<(int Width, int Height)> modelSizes, string what)
    {
        ArgumentNullException.ThrowIfNull(modelSizes);
        ImageInputException? refusal = null;
        foreach (var model in modelSizes)
        {
            try
            {
                RegionAround(maskBounds, source.Width, source.Height, model.Width, model.Height, what);
                return null;
            }
            catch (ImageInputException e)
            {
                refusal ??= e;
            }
        }

        return refusal;
    }

    public MaskedSource DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(source);
        PixelMask atSource;
        try
        {
            atSource = MaskFitter.ToSource(MaskReader.Read(AsArray(maskImage), Limits), source.Transform);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "mask");
        }

        return Masked(source, atSource, "mask");
    }

    public MaskedSource RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source)
    {
        ArgumentNullException.ThrowIfNull(rectangles);
        ArgumentNullException.ThrowIfNull(source);
        PixelMask inSource;
        try
        {
            var fit = source.Transform;
            inSource = PixelMask.FromRectangles(fit.SourceWidth, fit.SourceHeight,
                [.. rectangles.Select(r => new PixelRect(r.X, r.Y, r.Width, r.Height))]);
        }
        catch (ImageInputException e)
        {
            throw Explained(e, "mask rectangles");
        }

        return Masked(source, inSource, "mask rectangles");
    }

    public RgbImage Composite(FittedImage work, ReadOnlySpan<float> generated, PixelMask sourceMask, float featherPixels)
    {
        ArgumentNullException.ThrowIfNull(work);
        return SourceComposer.Compose(work.Original ?? work.Image, work.Transform, generated, sourceMask, featherPixels);
    }

    /// <summary>
    /// The work region around a source-size mask (<see cref="WorkRegion"/>), fitted to the model's size, and the mask
    /// there. A model-size source is its own work region, exactly as before results came back at full size.
    /// </summary>
    /// <exception cref="ImageInputException"><c>mask_invalid</c>, named after <paramref name="what"/>: the mask spans more than one region can hold (its message says how to split it).</exception>
    private static MaskedSource Masked(FittedImage source, PixelMask atSource, string what)
    {
        var fit = source.Transform;
        if (fit.IsIdentity)
        {
            return new MaskedSource(source, MaskFitter.ToModel(atSource, fit), atSource);
        }

        var original = source.Original ?? throw new ArgumentException("The fitted source does not hold its original pixels.", nameof(source));
        var bounds = atSource.Bounds() ?? throw MaskFitter.NoPixelSelected();
        var region = RegionAround(bounds, fit.SourceWidth, fit.SourceHeight, fit.TargetWidth, fit.TargetHeight, what);
        var work = region.Crop == fit.Crop
            ? source
            : new FittedImage(Resampling.Resize(original, region.Crop, fit.TargetWidth, fit.TargetHeight, SixLabors.ImageSharp.Processing.KnownResamplers.Bicubic), region)
            {
                Original = original,
            };
        return new MaskedSource(work, MaskFitter.ToModel(atSource, region), atSource);
    }

    /// <summary><see cref="WorkRegion.Around"/>, its refusal named after <paramref name="what"/>.</summary>
    private static FitTransform RegionAround(PixelRect maskBounds, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight, string what)
    {
        try
        {
            return WorkRegion.Around(maskBounds, sourceWidth, sourceHeight, targetWidth, targetHeight);
        }
        catch (ImageInputException e)
        {
            // Its message already says what to do; the generic mask_invalid hint ("mark at least one pixel") would mislead.
            throw new ImageInputException(e.Code, $"{what}: {e.Message}", e);
        }
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
