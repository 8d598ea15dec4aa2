using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging;

/// <summary>Reads an untrusted encoded image (PNG, JPEG, GIF, BMP, WebP, TGA) into an <see cref="RgbImage"/>.</summary>
public static class ImageReader
{
    /// <summary>
    /// Decodes <paramref name="data"/> within <paramref name="limits"/> (default <see cref="ImageReadLimits.Default"/>),
    /// applies EXIF orientation and flattens alpha onto white (the models were trained on images flattened that way).
    /// </summary>
    /// <exception cref="ImageInputException">Empty, undecodable, truncated, inconsistent or too large.</exception>
    /// <exception cref="TimeoutException">The process-wide decode budget stayed full (transient: retry later).</exception>
    public static RgbImage Read(byte[] data, ImageReadLimits? limits = null) =>
        GuardedDecoder.Decode(data, limits ?? ImageReadLimits.Default, "image", ToRgb);

    private static RgbImage ToRgb(Image<Rgba32> image)
    {
        var width = image.Width;
        var rgb = new byte[checked(width * image.Height * 3)];
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var row = accessor.GetRowSpan(y);
                var o = y * width * 3;
                foreach (ref readonly var p in row)
                {
                    rgb[o++] = OverWhite(p.R, p.A);
                    rgb[o++] = OverWhite(p.G, p.A);
                    rgb[o++] = OverWhite(p.B, p.A);
                }
            }
        });
        return new RgbImage(width, image.Height, rgb);
    }

    // Straight (non-premultiplied) alpha over white: c·a + 255·(1 − a), in integers with rounding.
    private static byte OverWhite(byte c, byte a) => (byte)((c * a + 255 * (255 - a) + 127) / 255);
}
