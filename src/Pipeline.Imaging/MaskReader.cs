using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging;

/// <summary>Reads a mask image: white = regenerate, black = keep.</summary>
public static class MaskReader
{
    /// <summary>
    /// Decodes a mask image (any supported format and size, within <paramref name="limits"/>) at its own size.
    /// A pixel is set when its luminance times its alpha is at least half: transparent pixels keep the original.
    /// Bring it to the model size with <see cref="MaskFitter.ToModel"/>.
    /// </summary>
    /// <exception cref="ImageInputException">Empty, undecodable, truncated, inconsistent or too large.</exception>
    /// <exception cref="TimeoutException">The process-wide decode budget stayed full (transient: retry later).</exception>
    public static PixelMask Read(byte[] data, ImageReadLimits? limits = null) =>
        GuardedDecoder.Decode(data, limits ?? ImageReadLimits.Default, "mask", ToMask);

    private static PixelMask ToMask(Image<Rgba32> image)
    {
        var width = image.Width;
        var values = new bool[checked(width * image.Height)];
        image.ProcessPixelRows(accessor =>
        {
            for (var y = 0; y < accessor.Height; y++)
            {
                var i = y * width;
                foreach (ref readonly var p in accessor.GetRowSpan(y))
                {
                    // Rec. 601 luma in integers (weights ×1000), scaled by alpha; threshold at half of 255 × 255.
                    var luma = ((299 * p.R) + (587 * p.G) + (114 * p.B)) / 1000;
                    values[i++] = luma * p.A >= 255 * 255 / 2;
                }
            }
        });
        return new PixelMask(width, image.Height, values);
    }
}
