namespace Pipeline.Imaging;

/// <summary>
/// Conversion between <see cref="RgbImage"/> and the models' layout: planar float RGB [3, H, W] in [0, 1]
/// (all R values row-major, then all G, then all B).
/// </summary>
public static class PlanarPixels
{
    /// <summary>3 × Width × Height floats in [0, 1].</summary>
    public static float[] ToPlanar(RgbImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var planar = new float[image.Width * image.Height * 3];
        ToPlanar(image, planar);
        return planar;
    }

    /// <summary>Writes 3 × Width × Height floats in [0, 1] to the start of <paramref name="destination"/> (e.g. one row of a batch).</summary>
    public static void ToPlanar(RgbImage image, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        var plane = image.Width * image.Height;
        if (destination.Length < plane * 3)
        {
            throw new ArgumentException($"Need {plane * 3} floats, got {destination.Length}.", nameof(destination));
        }

        var rgb = image.Rgb;
        for (var i = 0; i < plane; i++)
        {
            destination[i] = rgb[3 * i] / 255f;
            destination[plane + i] = rgb[(3 * i) + 1] / 255f;
            destination[(2 * plane) + i] = rgb[(3 * i) + 2] / 255f;
        }
    }

    /// <summary>
    /// Reads 3 × <paramref name="width"/> × <paramref name="height"/> floats (e.g. a decoder's unclamped output),
    /// clamps to [0, 1] and rounds to the nearest 8-bit level; NaN becomes 0. Exact inverse of <see cref="ToPlanar(RgbImage)"/>.
    /// </summary>
    public static RgbImage FromPlanar(ReadOnlySpan<float> planar, int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        var plane = width * height;
        if (planar.Length < plane * 3)
        {
            throw new ArgumentException($"Need {plane * 3} floats for {width}×{height}, got {planar.Length}.", nameof(planar));
        }

        var rgb = new byte[plane * 3];
        for (var i = 0; i < plane; i++)
        {
            rgb[3 * i] = ToByte(planar[i]);
            rgb[(3 * i) + 1] = ToByte(planar[plane + i]);
            rgb[(3 * i) + 2] = ToByte(planar[(2 * plane) + i]);
        }

        return new RgbImage(width, height, rgb);
    }

    /// <summary>One planar value as an 8-bit level: clamped to [0, 1] and rounded; NaN (which Math.Clamp passes through, and (byte)NaN is undefined) is black.</summary>
    internal static byte ToByte(float v) => float.IsNaN(v) ? (byte)0 : (byte)((Math.Clamp(v, 0f, 1f) * 255f) + 0.5f);
}
