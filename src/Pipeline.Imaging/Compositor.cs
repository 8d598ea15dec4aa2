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
    /// <param name="featherPixels">Width of the blend band; 0 = hard edge. Default 2.</param>
    public static RgbImage Composite(RgbImage original, RgbImage generated, PixelMask mask, double featherPixels = 2)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentOutOfRangeException.ThrowIfNegative(featherPixels);
        if (generated.Width != original.Width || generated.Height != original.Height || mask.Width != original.Width || mask.Height != original.Height)
        {
            throw new ArgumentException(
                $"Sizes differ: original {original.Width}×{original.Height}, generated {generated.Width}×{generated.Height}, " +
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

            for (var c = 3 * i; c < (3 * i) + 3; c++)
            {
                result[c] = alpha >= 1
                    ? generated.Rgb[c]
                    : (byte)Math.Round(original.Rgb[c] + ((generated.Rgb[c] - original.Rgb[c]) * alpha));
            }
        }

        return new RgbImage(original.Width, original.Height, result);
    }
}
