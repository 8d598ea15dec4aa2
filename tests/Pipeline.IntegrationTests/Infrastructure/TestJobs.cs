using Pipeline.Imaging;

namespace Pipeline.IntegrationTests.Infrastructure;

/// <summary>Job bodies for the tiny pack (16×16 images), cheap enough to run hundreds.</summary>
public static class TestJobs
{
    /// <summary>A 16×16 PNG: a colour gradient, so variation and inpainting have something to keep.</summary>
    public static byte[] Png(int seed = 0)
    {
        var rgb = new byte[16 * 16 * 3];
        for (var i = 0; i < 16 * 16; i++)
        {
            rgb[3 * i] = (byte)((i * 7 + seed * 31) % 256);
            rgb[3 * i + 1] = (byte)((i * 3 + seed * 17) % 256);
            rgb[3 * i + 2] = (byte)((255 - i + seed) % 256);
        }

        return PngWriter.Encode(new RgbImage(16, 16, rgb));
    }

    public static object Generation(string jobId, string priority = "standard", int steps = 6) =>
        new { jobId, kind = "generation", priority, steps };

    public static object Variation(string jobId, string sourceImageKey, string priority = "standard", int steps = 6) =>
        new { jobId, kind = "variation", priority, steps, sourceImageKey, strength = 0.5 };

    public static object Inpainting(string jobId, string sourceImage, string priority = "standard", int steps = 6) =>
        new { jobId, kind = "inpainting", priority, steps, sourceImage, maskRectangles = new[] { new { x = 4, y = 4, width = 8, height = 8 } } };

    /// <summary>The i-th of a mix over all kinds and classes (generation, variation by key, inpainting with an inline image).</summary>
    public static object Mixed(int i, string prefix, string sourceKey, string sourceBase64)
    {
        var priority = (i % 3) switch { 0 => "interactive", 1 => "standard", _ => "bulk" };
        var id = $"{prefix}-{i:D4}";
        return (i / 3 % 3) switch
        {
            0 => Generation(id, priority),
            1 => Variation(id, sourceKey, priority),
            _ => Inpainting(id, sourceBase64, priority),
        };
    }
}
