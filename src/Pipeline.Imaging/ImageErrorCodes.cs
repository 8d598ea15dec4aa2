namespace Pipeline.Imaging;

/// <summary>Stable values of <see cref="ImageInputException.Code"/>; clients match on these, so never rename one.</summary>
public static class ImageErrorCodes
{
    /// <summary>Zero bytes.</summary>
    public const string Empty = "image_empty";

    /// <summary>Unknown or unsupported format, or data the decoder itself refused.</summary>
    public const string Undecodable = "image_undecodable";

    /// <summary>A known format whose data ends before the image does (a cut-off upload or download).</summary>
    public const string Truncated = "image_truncated";

    /// <summary>
    /// A known format whose parts contradict each other (sizes, checksums, a frame outside its canvas) or whose
    /// compressed data is corrupt: decoding it would give garbage, not the image.
    /// </summary>
    public const string Inconsistent = "image_inconsistent";

    /// <summary>More bytes, pixels, width/height or metadata than <see cref="ImageReadLimits"/> allow.</summary>
    public const string TooLarge = "image_too_large";

    /// <summary>A mask whose size is neither the source image's nor the model's.</summary>
    public const string MaskSizeMismatch = "mask_size_mismatch";

    /// <summary>A mask that selects nothing, or a rectangle outside the image or with no area.</summary>
    public const string MaskInvalid = "mask_invalid";
}
