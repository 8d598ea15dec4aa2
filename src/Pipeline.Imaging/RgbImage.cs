namespace Pipeline.Imaging;

/// <summary>
/// An 8-bit RGB image: interleaved R, G, B bytes, row-major, no padding. The library's currency, so that
/// callers never see ImageSharp types.
/// </summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height, byte[] rgb)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentNullException.ThrowIfNull(rgb);
        if (rgb.Length != checked(width * height * 3))
        {
            throw new ArgumentException($"Expected {width}×{height}×3 = {width * height * 3} bytes, got {rgb.Length}.", nameof(rgb));
        }

        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>Width × Height × 3 bytes: R, G, B of pixel (x, y) at index 3 × (y × Width + x).</summary>
    public byte[] Rgb { get; }

    /// <summary>A new image filled with one colour.</summary>
    public static RgbImage Filled(int width, int height, byte r, byte g, byte b)
    {
        var rgb = new byte[checked(width * height * 3)];
        for (var i = 0; i < rgb.Length; i += 3)
        {
            rgb[i] = r;
            rgb[i + 1] = g;
            rgb[i + 2] = b;
        }

        return new RgbImage(width, height, rgb);
    }
}
