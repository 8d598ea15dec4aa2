using System.Buffers.Binary;
using System.Text;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Png;
using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging.Tests;

/// <summary>Builds encoded test images, including hand-made PNG headers.</summary>
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

    /// <summary>A PNG signature and a valid IHDR claiming <paramref name="width"/> × <paramref name="height"/>, then IEND: no pixel data at all.</summary>
    public static byte[] PngHeaderOnly(int width, int height)
    {
        var ihdr = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
        BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
        ihdr[8] = 8; // bit depth
        ihdr[9] = 2; // colour type: RGB
        using var stream = new MemoryStream();
        stream.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(stream, "IHDR", ihdr);
        WriteChunk(stream, "IEND", []);
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

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> u32 = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(u32, data.Length);
        stream.Write(u32);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(u32, Crc32(typeAndData));
        stream.Write(u32);
    }

    // CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320) as PNG chunks require.
    private static uint Crc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
