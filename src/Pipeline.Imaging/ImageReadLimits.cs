namespace Pipeline.Imaging;

/// <summary>
/// Caps checked before an image is decoded: crafted images (a tiny file whose header claims a huge size) are a
/// known attack, so the byte count is checked first and the header's width × height before any pixel buffer
/// is allocated.
/// </summary>
public sealed record ImageReadLimits
{
    /// <summary>Largest accepted encoded size. Default 16 MiB.</summary>
    public long MaxBytes { get; init; } = 16L * 1024 * 1024;

    /// <summary>Largest accepted width × height as stated by the header. Default 4096 × 4096 (16.7 M pixels).</summary>
    public long MaxPixels { get; init; } = 4096L * 4096;

    /// <summary>Largest accepted width or height. Default 8192.</summary>
    public int MaxDimension { get; init; } = 8192;

    /// <summary>The defaults above.</summary>
    public static ImageReadLimits Default { get; } = new();
}
