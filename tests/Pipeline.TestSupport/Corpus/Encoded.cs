using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.TestSupport.Corpus;

/// <summary>The corpus's source picture and its encodings by ImageSharp's own encoders.</summary>
public static class Encoded
{
    public const int Width = 48;
    public const int Height = 40;

    /// <summary>Smooth gradients with a sharp-edged square: plenty of low and high frequencies for every codec.</summary>
    public static Image<Rgba32> Picture(int width = Width, int height = Height, bool translucent = false)
    {
        var image = new Image<Rgba32>(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var inSquare = x >= width / 4 && x < width / 2 && y >= height / 4 && y < height / 2;
                image[x, y] = inSquare
                    ? new Rgba32(250, 30, 20, 255)
                    : new Rgba32((byte)(x * 255 / width), (byte)(y * 255 / height), (byte)(128 + (64 * Math.Sin(x / 3.0))),
                        translucent ? (byte)(255 - (x * 2)) : (byte)255);
            }
        }

        return image;
    }

    public static byte[] With(IImageEncoder encoder, Image<Rgba32>? image = null)
    {
        using var owned = image is null ? Picture() : null;
        using var stream = new MemoryStream();
        (image ?? owned!).Save(stream, encoder);
        return stream.ToArray();
    }
}
