using Pipeline.Contracts;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Imaging;

/// <summary>
/// Decodes untrusted bytes in three guarded stages: byte count, then the header alone (Image.Identify reads
/// no pixel data) against the pixel caps, and only then the full decode. EXIF orientation is applied, so the
/// result is the image as a viewer shows it.
/// </summary>
internal static class GuardedDecoder
{
    /// <param name="what">"image" or "mask", for messages.</param>
    public static Image<Rgba32> Decode(byte[] data, ImageReadLimits limits, string what)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(limits);
        if (data.Length == 0)
        {
            throw new ImageInputException(ContractErrorCodes.ImageEmpty, $"The {what} is empty (0 bytes).");
        }

        if (data.Length > limits.MaxBytes)
        {
            throw new ImageInputException(
                ContractErrorCodes.ImageTooLarge,
                $"The {what} is {data.Length} bytes; the limit is {limits.MaxBytes} bytes.");
        }

        var configuration = ImagingConfiguration.Untrusted;
        CheckHeader(data, limits, what, configuration);
        try
        {
            var image = Image.Load<Rgba32>(configuration, data);
            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            throw Undecodable(what, e);
        }
    }

    private static void CheckHeader(byte[] data, ImageReadLimits limits, string what, Configuration configuration)
    {
        IImageInfo? info;
        try
        {
            info = Image.Identify(configuration, data, out IImageFormat? _);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            throw Undecodable(what, e);
        }

        if (info is null)
        {
            throw new ImageInputException(
                ContractErrorCodes.ImageUndecodable,
                $"The {what} is not in a supported format ({ImagingConfiguration.SupportedFormats}).");
        }

        var pixels = (long)info.Width * info.Height;
        if (info.Width > limits.MaxDimension || info.Height > limits.MaxDimension || pixels > limits.MaxPixels)
        {
            throw new ImageInputException(
                ContractErrorCodes.ImageTooLarge,
                $"The {what} is {info.Width}×{info.Height} ({pixels} pixels); the limits are {limits.MaxPixels} pixels " +
                $"and {limits.MaxDimension} per side.");
        }
    }

    // Crafted input can trip a decoder anywhere (index or arithmetic errors as well as format errors); all of it
    // is bad input, never transient. Only running out of memory or being cancelled says something about the host.
    private static bool IsBadInput(Exception e) => e is not (OutOfMemoryException or OperationCanceledException or ImageInputException);

    private static ImageInputException Undecodable(string what, Exception e) =>
        new(ContractErrorCodes.ImageUndecodable, $"The {what} could not be decoded (corrupt or truncated?): {e.Message}", e);
}
