using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.TestSupport;

/// <summary>Small valid PNGs for tests that need images the door accepts (it decodes every upload in full).</summary>
public static class ValidImages
{
    /// <summary>A <paramref name="width"/> × <paramref name="height"/> picture; <paramref name="variant"/> changes its bytes (another content key).</summary>
    public static byte[] Png(int width = 48, int height = 40, byte variant = 0)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), variant, 255);
            }
        }

        return Encode(image);
    }

    /// <summary>A mask: white (regenerate) inside the rectangle, black elsewhere; an empty rectangle gives an all-black mask.</summary>
    public static byte[] Mask(int width, int height, int x, int y, int rectWidth, int rectHeight)
    {
        using var image = new Image<Rgba32>(width, height, new Rgba32(0, 0, 0, 255));
        for (var row = y; row < y + rectHeight; row++)
        {
            for (var column = x; column < x + rectWidth; column++)
            {
                image[column, row] = new Rgba32(255, 255, 255, 255);
            }
        }

        return Encode(image);
    }

    private static byte[] Encode(Image<Rgba32> image)
    {
        using var stream = new MemoryStream();
        image.Save(stream, new PngEncoder());
        return stream.ToArray();
    }
}
