namespace Pipeline.Engine.Tests;

/// <summary>
/// Image steps without image files. "Encoded" sources are raw bytes: pixel i of every channel is byte i mod length
/// / 255, so a source's tokens are known (see <see cref="FakeVqCodec"/>). A mask "image" is bytes too (non-zero =
/// regenerate); rectangles are taken in model pixels. Compositing is a hard cut by the mask.
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
            throw new InvalidJobException("image_undecodable", "the source image is not a PNG or JPEG");
        }

        var pixels = new float[3 * targetWidth * targetHeight];
        var plane = targetWidth * targetHeight;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = bytes[i % plane % bytes.Length] / 255f;
        }

        return new FittedImage(pixels, targetWidth, targetHeight, targetWidth, targetHeight, "as is");
    }

    public float[] DecodeMask(ReadOnlyMemory<byte> maskImage, FittedImage source)
    {
        var mask = new float[width * height];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = maskImage.Span[i % maskImage.Length] != 0 ? 1f : 0f;
        }

        return mask;
    }

    public float[] RasterizeMask(IReadOnlyList<MaskRectangle> rectangles, FittedImage source)
    {
        var mask = new float[width * height];
        foreach (var r in rectangles)
        {
            for (var y = Math.Max(0, r.Y); y < Math.Min(height, r.Y + r.Height); y++)
            {
                for (var x = Math.Max(0, r.X); x < Math.Min(width, r.X + r.Width); x++)
                {
                    mask[y * width + x] = 1f;
                }
            }
        }

        return mask;
    }

    public void Composite(ReadOnlySpan<float> original, ReadOnlySpan<float> pixelMask, int imageWidth, int imageHeight,
        float featherPixels, Span<float> generated)
    {
        if (Math.Abs(original[0] - FailsInComposite / 255f) < 1e-6f)
        {
            throw new InvalidOperationException("compositing failed");
        }

        var plane = imageWidth * imageHeight;
        for (var i = 0; i < generated.Length; i++)
        {
            if (pixelMask[i % plane] < 0.5f)
            {
                generated[i] = original[i];
            }
        }
    }

    public byte[] EncodePng(ReadOnlySpan<float> planarRgb, int imageWidth, int imageHeight)
    {
        var png = new byte[planarRgb.Length];
        for (var i = 0; i < png.Length; i++)
        {
            png[i] = (byte)Math.Round(planarRgb[i] * 255);
        }

        return png;
    }
}
