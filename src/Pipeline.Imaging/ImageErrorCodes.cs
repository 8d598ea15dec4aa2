namespace Pipeline.Imaging;

/// <summary>Stable values of <see cref="ImageInputException.Code"/>; clients match on these, so never rename one.</summary>
public static class ImageErrorCodes
{
    /// <summary>Zero bytes.</summary>
    public const string Empty = "image_empty";

    /// <summary>Unknown format, corrupt or truncated data.</summary>
    public const string Undecodable = "image_undecodable";

    /// <summary>More bytes, pixels or width/height than <see cref="ImageReadLimits"/> allow.</summary>
    public const string TooLarge = "image_too_large";

    /// <summary>A mask whose size is neither the source image's nor the model's.</summary>
    public const string MaskSizeMismatch = "mask_size_mismatch";

    /// <summary>A mask that selects nothing, or a rectangle outside the image or with no area.</summary>
    public const string MaskInvalid = "mask_invalid";
}
