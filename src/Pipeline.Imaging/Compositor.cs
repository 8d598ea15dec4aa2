namespace Pipeline.Imaging;

/// <summary>Puts generated pixels back into the original under a mask, with a feathered edge.</summary>
public static class Compositor
{
    /// <summary>
    /// Inside the mask: the generated pixel. Outside, at Euclidean distance d (pixels) from the nearest masked pixel:
    /// a blend with weight α = 1 − d / (feather + 1) on the generated pixel while α &gt; 0, so the seam fades out over
    /// <paramref name="featherPixels"/> pixels of the original. Every pixel farther away is copied from the original,
    /// byte for byte (the promise of inpainting: what was not masked is not touched). The band lies outside the mask
    /// because the model regenerated whole token patches around it, so generated pixels there are meaningful.
    /// </summary>
    /// <param name="original">The fitted source image.</param>
    /// <param name="generated">
    /// The decoder's output, planar RGB [3, height, width] (see <see cref="PlanarPixels"/>): read where the mask and its
    /// band reach, each value rounded to 8 bits as <see cref="PlanarPixels.FromPlanar"/> would, so the result leaves
    /// the planar layout once, here, on its way to PNG.
    /// </param>
    /// <param name="mask">Pixels to regenerate, at the original's size.</param>
    /// <param name="featherPixels">Width of the blend band; 0 = hard edge. Default 2.</param>
    public static RgbImage Composite(RgbImage original, ReadOnlySpan<float> generated, PixelMask mask, double featherPixels = 2)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(featherPixels);
        var plane = original.Width * original.Height;
        if (generated.Length != 3 * plane || mask.Width != original.Width || mask.Height != original.Height)
        {
            throw new ArgumentException(
                $"Sizes differ: original {original.Width}×{original.Height} (3 × {plane} planar values), generated {generated.Length} values, " +
                $"mask {mask.Width}×{mask.Height}.");
        }

        var distance = DistanceTransform.Compute(mask);
        var result = (byte[])original.Rgb.Clone();
        for (var i = 0; i < distance.Length; i++)
        {
            var alpha = 1 - (distance[i] / (featherPixels + 1));
            if (alpha <= 0)
            {
                continue;
            }

            for (var channel = 0; channel < 3; channel++)
            {
                var c = (3 * i) + channel;
                var value = PlanarPixels.ToByte(generated[(channel * plane) + i]);
                result[c] = alpha >= 1
                    ? value
                    : (byte)Math.Round(original.Rgb[c] + ((value - original.Rgb[c]) * alpha));
            }
        }

        return new RgbImage(original.Width, original.Height, result);
    }
}
