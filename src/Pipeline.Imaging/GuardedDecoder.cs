using Pipeline.Contracts;
using System.Runtime.InteropServices;
using Pipeline.Imaging.Formats;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Metadata.Profiles.Exif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace Pipeline.Imaging;

/// <summary>
/// Decodes untrusted bytes in guarded stages: the byte count; the format's structural check
/// (<see cref="StructureCheck"/>: identified by signature, header size against the limits before anything in
/// proportion to it is read, then the container walked for truncation and contradictions); a reservation in the
/// process-wide <see cref="DecodeBudget"/>; and only then the decode, with the decoder of the identified format on
/// exactly the checked bytes. EXIF orientation is applied, so the result is the image as a viewer shows it.
/// </summary>
internal static class GuardedDecoder
{
    /// <param name="what">"image" or "mask", for messages.</param>
    /// <param name="read">Copies what the caller needs out of the decoded image, while its pixels are still budgeted.</param>
    public static T Decode<T>(byte[] data, ImageReadLimits limits, string what, Func<Image<Rgba32>, T> read)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(read);
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

        CheckedImage checkedImage;
        try
        {
            checkedImage = StructureCheck.Run(data, limits, what);
        }
        catch (Exception e) when (IsBadInput(e))
        {
            // A slip in a check on some crafted file must still read as bad input, never as a host fault to retry.
            throw Undecodable(what, e);
        }

        using var reservation = limits.Budget.Reserve((long)checkedImage.Width * checkedImage.Height);
        using var image = Load(checkedImage, what);
        return read(image);
    }

    private static Image<Rgba32> Load(CheckedImage source, string what)
    {
        Image<Rgba32>? image = null;
        try
        {
            image = DecodeFrame(source);
            var (width, height) = source.Placement is { } p ? (p.FrameWidth, p.FrameHeight) : (source.Width, source.Height);
            if (image.Width != width || image.Height != height)
            {
                throw new ImageInputException(
                    ContractErrorCodes.ImageInconsistent,
                    $"The {what} decodes to {image.Width}×{image.Height} although its header says {width}×{height}; export it again from the original.");
            }

            if (source.Placement is { } placement)
            {
                image = OnCanvas(image, source.Width, source.Height, placement);
            }

            if (source.Exif is { } exif)
            {
                image.Metadata.ExifProfile = new ExifProfile(exif);
            }

            image.Mutate(x => x.AutoOrient());
            return image;
        }
        catch (Exception e) when (IsBadInput(e))
        {
            image?.Dispose();
            throw Undecodable(what, e);
        }
        catch
        {
            image?.Dispose();
            throw;
        }
    }

    private static Image<Rgba32> DecodeFrame(CheckedImage source)
    {
        var bytes = MemoryMarshal.TryGetArray(source.Data, out var segment)
            ? segment
            : new ArraySegment<byte>(source.Data.ToArray());
        using var stream = new MemoryStream(bytes.Array!, bytes.Offset, bytes.Count, writable: false);
        return Image.Load<Rgba32>(ImagingConfiguration.Untrusted, stream, ImagingConfiguration.DecoderFor(source.Format));
    }

    // An animation's first frame smaller than its canvas: the rest of the canvas is transparent, as viewers start it.
    private static Image<Rgba32> OnCanvas(Image<Rgba32> frame, int width, int height, FramePlacement placement)
    {
        using (frame)
        {
            var canvas = new Image<Rgba32>(ImagingConfiguration.Untrusted, width, height);
            canvas.Mutate(c => c.DrawImage(frame, new Point(placement.X, placement.Y), 1f));
            return canvas;
        }
    }

    // Crafted input can trip a decoder anywhere (index or arithmetic errors as well as format errors); all of it
    // is bad input, never transient. Only running out of memory or being cancelled says something about the host.
    private static bool IsBadInput(Exception e) => e is not (OutOfMemoryException or OperationCanceledException or ImageInputException);

    // The decoder's own text stays on the inner exception (logs), out of the message: it reaches users (API answers, job
    // errors) and a library's sentence ("Object reference not set…", "Index was outside the bounds…") helps none of them.
    private static ImageInputException Undecodable(string what, Exception e) =>
        new(ContractErrorCodes.ImageUndecodable, $"The {what} could not be decoded: its data passed the structural check but the decoder refused it (corrupt, or a variant of the format it does not read).", e);
}
