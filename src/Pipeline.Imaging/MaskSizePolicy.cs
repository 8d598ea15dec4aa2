namespace Pipeline.Imaging;

/// <summary>What to do with a mask whose size is neither the model's nor the source image's.</summary>
public enum MaskSizePolicy
{
    /// <summary>Reject it with <see cref="ImageErrorCodes.MaskSizeMismatch"/> (default: a mismatched mask usually means the wrong file).</summary>
    Strict = 0,

    /// <summary>Resize it to the model size (nearest neighbour) whatever its size.</summary>
    Stretch = 1,
}
