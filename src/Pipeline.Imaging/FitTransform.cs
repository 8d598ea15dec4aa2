namespace Pipeline.Imaging;

/// <summary>
/// The geometry of one fit: a region of the source (<see cref="Crop"/>) with the target's aspect ratio, resized to the
/// whole target (no distortion, no borders). <see cref="Create"/> takes the largest centred region; an inpainting takes
/// a smaller one around its mask (<see cref="WorkRegion"/>). Kept so that a source-size mask can be carried through
/// exactly the same geometry as its image, and the result resized back onto the same pixels.
/// </summary>
public sealed record FitTransform(int SourceWidth, int SourceHeight, int TargetWidth, int TargetHeight, PixelRect Crop)
{
    /// <summary>Computes the centre crop of a <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/> source for the target size.</summary>
    public static FitTransform Create(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);

        // Compare aspect ratios exactly in integers: sw/sh > tw/th  ⇔  sw·th > tw·sh.
        var sourceWider = (long)sourceWidth * targetHeight > (long)targetWidth * sourceHeight;
        var cropWidth = sourceWider ? Math.Max(1, (int)Math.Round((double)sourceHeight * targetWidth / targetHeight)) : sourceWidth;
        var cropHeight = sourceWider ? sourceHeight : Math.Max(1, (int)Math.Round((double)sourceWidth * targetHeight / targetWidth));
        var crop = new PixelRect((sourceWidth - cropWidth) / 2, (sourceHeight - cropHeight) / 2, cropWidth, cropHeight);
        return new FitTransform(sourceWidth, sourceHeight, targetWidth, targetHeight, crop);
    }

    /// <summary>
    /// The region <paramref name="region"/> of a <paramref name="sourceWidth"/> × <paramref name="sourceHeight"/> source,
    /// resized to the target. The caller keeps the target's aspect ratio (<see cref="WorkRegion"/> does).
    /// </summary>
    public static FitTransform ForRegion(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight, PixelRect region)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);
        if (region.Width <= 0 || region.Height <= 0 || region.X < 0 || region.Y < 0
            || region.X + region.Width > sourceWidth || region.Y + region.Height > sourceHeight)
        {
            throw new ArgumentOutOfRangeException(nameof(region), region, $"The region must lie inside the {sourceWidth}×{sourceHeight} source.");
        }

        return new FitTransform(sourceWidth, sourceHeight, targetWidth, targetHeight, region);
    }

    /// <summary>
    /// A human-readable account of the fit, recorded with results: "center-crop 480×480 at (80,0) of 640×480, resize to
    /// 32×32" for the centred region, "region 40,8 128×128 of 256×192 -> 32×32" for another (an inpainting's work region).
    /// </summary>
    public string Description => IsIdentity
        ? $"{SourceWidth}×{SourceHeight} used as is"
        : IsCentred
            ? $"center-crop {Crop} of {SourceWidth}×{SourceHeight}, resize to {TargetWidth}×{TargetHeight}"
            : $"region {Crop.X},{Crop.Y} {Crop.Width}×{Crop.Height} of {SourceWidth}×{SourceHeight} -> {TargetWidth}×{TargetHeight}";

    /// <summary>True when <see cref="Crop"/> is the largest centred region, the one <see cref="Create"/> takes.</summary>
    public bool IsCentred => Crop == Create(SourceWidth, SourceHeight, TargetWidth, TargetHeight).Crop;

    /// <summary>True when the source already is the target: no pixel changes.</summary>
    public bool IsIdentity => SourceWidth == TargetWidth && SourceHeight == TargetHeight;
}
