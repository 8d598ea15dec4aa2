using Pipeline.Contracts;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// What a format check needs from its caller: the limits, and the words for messages a user can act on
/// ("the image is a PNG file cut short: …; send the complete file").
/// </summary>
internal sealed class CheckContext(string what, string format, ImageReadLimits limits)
{
    /// <summary>Rejects a header size over the limits, before anything in proportion to it is read or allocated.</summary>
    public void CheckSize(long width, long height)
    {
        var pixels = width * height;
        if (width > limits.MaxDimension || height > limits.MaxDimension || pixels > limits.MaxPixels)
        {
            throw new ImageInputException(
                ContractErrorCodes.ImageTooLarge,
                $"The {what} is {width}×{height} ({pixels} pixels); the limits are {limits.MaxPixels} pixels " +
                $"and {limits.MaxDimension} per side.");
        }
    }

    /// <summary>Rejects an EXIF block over <see cref="ImageReadLimits.MaxMetadataBytes"/>.</summary>
    public void CheckExifSize(long bytes)
    {
        if (bytes > limits.MaxMetadataBytes)
        {
            throw new ImageInputException(
                ContractErrorCodes.ImageTooLarge,
                $"The {what} carries {bytes} bytes of EXIF metadata; the limit is {limits.MaxMetadataBytes} bytes. " +
                "Export it again without metadata.");
        }
    }

    /// <summary>An EXIF block as the EXIF reader wants it: without the "Exif\0\0" prefix some writers add.</summary>
    public byte[] Exif(ReadOnlySpan<byte> block)
    {
        if (block.StartsWith("Exif\0\0"u8))
        {
            block = block[6..];
        }

        CheckExifSize(block.Length);
        return block.ToArray();
    }

    public ImageInputException Truncated(string detail) =>
        new(ContractErrorCodes.ImageTruncated,
            $"The {what} is a {format} file cut short: {detail}. Send the complete file (download or export it again).");

    public ImageInputException Inconsistent(string detail) =>
        new(ContractErrorCodes.ImageInconsistent,
            $"The {what} is a damaged {format} file: {detail}. Export it again from the original.");

    public ImageInputException Unsupported(string detail) =>
        new(ContractErrorCodes.ImageUndecodable,
            $"The {what} is a {format} file of a kind this service cannot decode: {detail}. Convert it to PNG or baseline JPEG.");
}
