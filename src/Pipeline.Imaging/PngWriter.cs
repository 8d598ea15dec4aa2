using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging;

/// <summary>Encodes results as PNG.</summary>
public static class PngWriter
{
    private static readonly PngEncoder Encoder = new() { ColorType = PngColorType.Rgb, BitDepth = PngBitDepth.Bit8 };

    /// <summary>8-bit RGB PNG bytes of <paramref name="image"/>.</summary>
    public static byte[] Encode(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var encoded = Image.LoadPixelData<Rgb24>(ImagingConfiguration.Untrusted, image.Rgb, image.Width, image.Height);
        using var stream = new MemoryStream();
        encoded.SaveAsPng(stream, Encoder);
        return stream.ToArray();
    }
}
