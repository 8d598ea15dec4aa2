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

    /// <summary>
    /// Largest accepted width × height as stated by the header. Default 4096 × 4096 (16.7 M pixels). The decoder's
    /// allocator refuses single buffers over 256 MiB, so values above about 60 M pixels cannot be decoded anyway.
    /// </summary>
    public long MaxPixels { get; init; } = 4096L * 4096;

    /// <summary>Largest accepted width or height. Default 8192.</summary>
    public int MaxDimension { get; init; } = 8192;

    /// <summary>
    /// Largest EXIF block read (the only metadata used: it carries the orientation). Default 64 KiB, the most one
    /// JPEG APP1 segment can hold. Text, XMP, ICC and comment payloads are never read or inflated, whatever their size.
    /// </summary>
    public int MaxMetadataBytes { get; init; } = 64 * 1024;

    /// <summary>
    /// The pixels that may be decoding at once, shared by every read given these limits. Default
    /// <see cref="DecodeBudget.Shared"/>, one budget for the whole process.
    /// </summary>
    public DecodeBudget Budget { get; init; } = DecodeBudget.Shared;

    /// <summary>The defaults above.</summary>
    public static ImageReadLimits Default { get; } = new();
}
