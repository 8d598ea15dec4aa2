using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging.Tests;

/// <summary>Builds encoded test images (hand-made PNG headers are <see cref="CraftedPng"/>'s).</summary>
internal static class TestImages
{
    public static byte[] Png(int width, int height, Func<int, int, Rgba32> pixel, Action<Image<Rgba32>>? edit = null)
    {
        using var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                image[x, y] = pixel(x, y);
            }
        }

        edit?.Invoke(image);
        using var stream = new MemoryStream();
        image.SaveAsPng(stream, new PngEncoder { ColorType = PngColorType.RgbWithAlpha });
        return stream.ToArray();
    }

    public static RgbImage Solid(int width, int height, byte r, byte g, byte b) => RgbImage.Filled(width, height, r, g, b);

    public static RgbImage Gradient(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            rgb[3 * i] = (byte)(i % width * 255 / Math.Max(1, width - 1));
            rgb[(3 * i) + 1] = (byte)(i / width * 255 / Math.Max(1, height - 1));
            rgb[(3 * i) + 2] = (byte)(i * 7 % 256);
        }

        return new RgbImage(width, height, rgb);
    }

    public static (byte R, byte G, byte B) At(RgbImage image, int x, int y)
    {
        var i = 3 * ((y * image.Width) + x);
        return (image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]);
    }
}
