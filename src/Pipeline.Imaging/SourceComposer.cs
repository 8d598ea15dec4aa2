using SixLabors.ImageSharp.Processing;

namespace Pipeline.Imaging;

/// <summary>
/// Puts a model-size result back into its source at the source's resolution: the decoder's pixels are resized
/// (bicubic) from the model's size onto the work region they were fitted from, then blended in under a mask given in
/// source pixels, with a feathered edge. Every pixel beyond the mask's feather band, and every pixel outside the work
/// region, is copied from the source byte for byte.
/// </summary>
public static class SourceComposer
{
    /// <summary>
    /// Inside <paramref name="sourceMask"/>: the generated pixel. Outside, at Euclidean distance d (source pixels) from
    /// the nearest masked pixel: a blend with weight α = 1 − d / (f + 1) on the generated pixel while α &gt; 0, where the
    /// band width f = <paramref name="featherModelPixels"/> × (work region width ÷ model width): the feather is given in
    /// model pixels, the scale of the seam to hide, so it reads the same whatever the source's size. Elsewhere the source
    /// (see <see cref="Compositor"/>, which this equals when the source is the model's size).
    /// </summary>
    /// <param name="source">The decoded source at its own size.</param>
    /// <param name="work">The work region's fit: <paramref name="decoded"/> shows its <see cref="FitTransform.Crop"/>.</param>
    /// <param name="decoded">The decoder's output, planar RGB [3, target height, target width], unclamped.</param>
    /// <param name="sourceMask">Pixels to regenerate, at the source's size, all inside the work region.</param>
    /// <param name="featherModelPixels">Width of the blend band in model pixels; 0 = hard edge.</param>
    /// <remarks>
    /// Memory beyond the result (a copy of the source): the resized region (3 bytes a pixel) and a distance map over the
    /// mask's bounds grown by the band (8 bytes a pixel), both at most the image's size.
    /// </remarks>
    public static RgbImage Compose(RgbImage source, FitTransform work, ReadOnlySpan<float> decoded, PixelMask sourceMask, double featherModelPixels)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(work);
        ArgumentNullException.ThrowIfNull(sourceMask);
        ArgumentOutOfRangeException.ThrowIfNegative(featherModelPixels);
        if (source.Width != work.SourceWidth || source.Height != work.SourceHeight
            || sourceMask.Width != source.Width || sourceMask.Height != source.Height
            || decoded.Length != 3 * work.TargetWidth * work.TargetHeight)
        {
            throw new ArgumentException(
                $"Sizes differ: source {source.Width}×{source.Height}, fit for {work.SourceWidth}×{work.SourceHeight}, mask {sourceMask.Width}×{sourceMask.Height}, "
                + $"decoded {decoded.Length} values for {work.TargetWidth}×{work.TargetHeight}.");
        }

        var result = (byte[])source.Rgb.Clone();
        if (sourceMask.Bounds() is not { } bounds)
        {
            return new RgbImage(source.Width, source.Height, result);
        }

        var region = work.Crop;
        if (bounds.X < region.X || bounds.Y < region.Y || bounds.X + bounds.Width > region.X + region.Width || bounds.Y + bounds.Height > region.Y + region.Height)
        {
            throw new ArgumentException($"The mask's pixels ({bounds}) reach outside the work region ({region}).", nameof(sourceMask));
        }

        var generated = PlanarPixels.FromPlanar(decoded, work.TargetWidth, work.TargetHeight);
        if (region.Width != work.TargetWidth || region.Height != work.TargetHeight)
        {
            generated = Resampling.Resize(generated, new PixelRect(0, 0, work.TargetWidth, work.TargetHeight), region.Width, region.Height, KnownResamplers.Bicubic);
        }

        var feather = region.Width == work.TargetWidth ? featherModelPixels : featherModelPixels * region.Width / work.TargetWidth;
        // Beyond `reach` of the mask α ≤ 0, so the distances are needed only over the mask's bounds grown by it (inside
        // the region: past its edge there are no generated pixels, and the source stays). Every masked pixel lies in
        // that window, so the distances measured inside it are the distances in the whole image.
        var reach = (int)Math.Min(Math.Ceiling(feather) + 1, int.MaxValue / 4);
        var x0 = Math.Max(region.X, bounds.X - reach);
        var y0 = Math.Max(region.Y, bounds.Y - reach);
        var x1 = (int)Math.Min(region.X + region.Width, (long)bounds.X + bounds.Width + reach);
        var y1 = (int)Math.Min(region.Y + region.Height, (long)bounds.Y + bounds.Height + reach);
        var (windowWidth, windowHeight) = (x1 - x0, y1 - y0);
        var windowMask = new bool[windowWidth * windowHeight];
        for (var y = 0; y < windowHeight; y++)
        {
            Array.Copy(sourceMask.Values, ((y0 + y) * source.Width) + x0, windowMask, y * windowWidth, windowWidth);
        }

        var distance = DistanceTransform.Compute(new PixelMask(windowWidth, windowHeight, windowMask));
        var original = source.Rgb;
        for (var y = 0; y < windowHeight; y++)
        {
            for (var x = 0; x < windowWidth; x++)
            {
                var alpha = 1 - (distance[(y * windowWidth) + x] / (feather + 1));
                if (alpha <= 0)
                {
                    continue;
                }

                var o = 3 * (((y0 + y) * source.Width) + x0 + x);
                var g = 3 * (((y0 + y - region.Y) * region.Width) + x0 + x - region.X);
                for (var channel = 0; channel < 3; channel++)
                {
                    var value = generated.Rgb[g + channel];
                    result[o + channel] = alpha >= 1
                        ? value
                        : (byte)Math.Round(original[o + channel] + ((value - original[o + channel]) * alpha));
                }
            }
        }

        return new RgbImage(source.Width, source.Height, result);
    }
}
