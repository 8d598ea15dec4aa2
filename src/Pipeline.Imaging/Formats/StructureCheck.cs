using Pipeline.Contracts;

namespace Pipeline.Imaging.Formats;

/// <summary>
/// Identifies untrusted bytes by signature and runs that format's structural check, so that a file is either
/// rejected with a reason (cut short, inconsistent, too large) or handed to the decoder with its format, size and
/// exact bytes known. Formats with a signature are tried first; TGA, which has none, only when nothing else matched.
/// </summary>
internal static class StructureCheck
{
    public static CheckedImage Run(byte[] data, ImageReadLimits limits, string what)
    {
        ReadOnlySpan<byte> d = data;
        if (d.StartsWith(PngCheck.Signature))
        {
            return PngCheck.Check(data, new CheckContext(what, "PNG", limits));
        }

        if (d.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xD8, 0xFF]))
        {
            return JpegCheck.Check(data, new CheckContext(what, "JPEG", limits));
        }

        if (d.StartsWith("GIF87a"u8) || d.StartsWith("GIF89a"u8))
        {
            return GifCheck.Check(data, new CheckContext(what, "GIF", limits));
        }

        if (d.StartsWith("BM"u8) || d.StartsWith("BA"u8))
        {
            return BmpCheck.Check(data, new CheckContext(what, "BMP", limits));
        }

        if (d.Length >= 12 && d.StartsWith("RIFF"u8) && d[8..12].SequenceEqual("WEBP"u8))
        {
            return WebpCheck.Check(data, new CheckContext(what, "WebP", limits));
        }

        return TgaCheck.TryCheck(data, new CheckContext(what, "TGA", limits))
            ?? throw new ImageInputException(
                ContractErrorCodes.ImageUndecodable,
                $"The {what} is not in a supported format ({ImagingConfiguration.SupportedFormats}).");
    }
}
