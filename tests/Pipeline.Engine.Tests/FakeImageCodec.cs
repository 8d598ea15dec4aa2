using Pipeline.Contracts;
using Pipeline.Imaging;

namespace Pipeline.Engine.Tests;

/// <summary>
/// Image steps without image files. "Encoded" sources are raw bytes: pixel i has every channel byte i mod length, so a
/// source's tokens are known (see <see cref="FakeVqCodec"/>). A mask "image" is bytes too (non-zero = regenerate);
/// rectangles are taken in model pixels. Compositing is a hard cut by the mask. The "PNG" is the image's bytes, planar
/// (all R, then all G, then all B), so byte i is channel i / (width × height) of pixel i mod (width × height).
/// </summary>
internal sealed class FakeImageCodec(int width, int height) : IImageCodec
{
    /// <summary>A source whose first byte is this makes <see cref="Composite"/> throw: a job that fails late, in the loop.</summary>
    public const byte FailsInComposite = 0xEE;

    /// <summary>A source whose first byte is this cannot be decoded.</summary>
    public const byte Undecodable = 0xFF;

    public FittedImage DecodeAndFit(ReadOnlyMemory<byte> encoded, int targetWidth, int targetHeight)
    {
        var bytes = encoded.Span;
        if (bytes[0] == Undecodable)
        {
            throw new ImageInputException(ContractErrorCodes.ImageUndecodable, "the source image is not a PNG or JPEG");
        }

        var rgb = new byte[3 * targetWidth * targetHeight];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = bytes[i / 3 % bytes.Length];
        }

        return new FittedImage(new RgbImage(targetWidth, targetHeight, rgb), FitTransform.Create(targetWidth, targetHeight, targetWidth, targetHeight));
    }

    /// <summary>Canvas sources: byte 0 is the width, byte 1 the height, pixel i has every channel byte 2 + i mod (length − 2).</summary>
    public RgbImage Decode(ReadOnlyMemory<byte> encoded, string what = "source image")
    {
        var bytes = encoded.Span;
        if (bytes[0] == Undecodable)
        {
            throw new ImageInputException(ContractErrorCodes.ImageUndecodable, "the source image is not a PNG or JPEG");
        }

        var (w, h) = (bytes[0], bytes[1]);
        var rgb = new byte[3 * w * h];
        for (var i = 0; i < rgb.Length; i++)
        {
            rgb[i] = bytes[2 + (i / 3 % (bytes.Length - 2))];
        }

        return new RgbImage(w, h, rgb);
    }

    public MaskedSource DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source)
    {
        var mask = new bool[width * height];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = maskImage.Span[i % maskImage.Length] != 0;
        }

        var pixels = new PixelMask(width, height, mask);
        return new MaskedSource(source, pixels, pixels);
    }

    public MaskedSource RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source)
    {
        var mask = new bool[width * height];
        foreach (var r in rectangles)
        {
            for (var y = Math.Max(0, r.Y); y < Math.Min(height, r.Y + r.Height); y++)
            {
                for (var x = Math.Max(0, r.X); x < Math.Min(width, r.X + r.Width); x++)
                {
                    mask[y * width + x] = true;
                }
            }
        }

        var pixels = new PixelMask(width, height, mask);
        return new MaskedSource(source, pixels, pixels);
    }

    public RgbImage Composite(FittedImage original, ReadOnlySpan<float> generated, PixelMask mask, float featherPixels)
    {
        if (original.Image.Rgb[0] == FailsInComposite)
        {
            throw new InvalidOperationException("compositing failed");
        }

        var image = PlanarPixels.FromPlanar(generated, width, height);
        for (var i = 0; i < image.Rgb.Length; i++)
        {
            if (!mask.Values[i / 3])
            {
                image.Rgb[i] = original.Image.Rgb[i];
            }
        }

        return image;
    }

    public byte[] EncodePng(RgbImage image)
    {
        var plane = image.Width * image.Height;
        var png = new byte[3 * plane];
        for (var i = 0; i < png.Length; i++)
        {
            png[i] = image.Rgb[3 * (i % plane) + i / plane];
        }

        return png;
    }
}
