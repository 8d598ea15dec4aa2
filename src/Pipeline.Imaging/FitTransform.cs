namespace Pipeline.Imaging;

/// <summary>
/// The geometry of one fit: which region of the source (<see cref="Crop"/>) lands where in the target
/// (<see cref="Placement"/>); everything else in the target is padding. Kept so that a source-size mask can be
/// carried through exactly the same geometry as its image.
/// </summary>
public sealed record FitTransform(
    FitPolicy Policy,
    int SourceWidth,
    int SourceHeight,
    int TargetWidth,
    int TargetHeight,
    PixelRect Crop,
    PixelRect Placement)
{
    /// <summary>Computes the geometry for <paramref name="policy"/>.</summary>
    public static FitTransform Create(int sourceWidth, int sourceHeight, int targetWidth, int targetHeight, FitPolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sourceHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetHeight);
        var whole = new PixelRect(0, 0, sourceWidth, sourceHeight);
        var full = new PixelRect(0, 0, targetWidth, targetHeight);

        // Compare aspect ratios exactly in integers: sw/sh > tw/th  ⇔  sw·th > tw·sh.
        var sourceWider = (long)sourceWidth * targetHeight > (long)targetWidth * sourceHeight;
        switch (policy)
        {
            case FitPolicy.CenterCrop:
                var cropWidth = sourceWider ? Math.Max(1, (int)Math.Round((double)sourceHeight * targetWidth / targetHeight)) : sourceWidth;
                var cropHeight = sourceWider ? sourceHeight : Math.Max(1, (int)Math.Round((double)sourceWidth * targetHeight / targetWidth));
                var crop = new PixelRect((sourceWidth - cropWidth) / 2, (sourceHeight - cropHeight) / 2, cropWidth, cropHeight);
                return new FitTransform(policy, sourceWidth, sourceHeight, targetWidth, targetHeight, crop, full);
            case FitPolicy.Pad:
                var placedWidth = sourceWider ? targetWidth : Math.Max(1, (int)Math.Round((double)sourceWidth * targetHeight / sourceHeight));
                var placedHeight = sourceWider ? Math.Max(1, (int)Math.Round((double)sourceHeight * targetWidth / sourceWidth)) : targetHeight;
                var placement = new PixelRect((targetWidth - placedWidth) / 2, (targetHeight - placedHeight) / 2, placedWidth, placedHeight);
                return new FitTransform(policy, sourceWidth, sourceHeight, targetWidth, targetHeight, whole, placement);
            case FitPolicy.Stretch:
                return new FitTransform(policy, sourceWidth, sourceHeight, targetWidth, targetHeight, whole, full);
            default:
                throw new ArgumentOutOfRangeException(nameof(policy), policy, "Unknown fit policy.");
        }
    }

    /// <summary>A human-readable account of the fit, recorded with results, e.g. "center-crop 480×480 at (80,0) of 640×480, resize to 32×32".</summary>
    public string Description => IsIdentity ? $"{SourceWidth}×{SourceHeight} used as is" : Policy switch
    {
        FitPolicy.CenterCrop => $"center-crop {Crop} of {SourceWidth}×{SourceHeight}, resize to {TargetWidth}×{TargetHeight}",
        FitPolicy.Pad => $"resize {SourceWidth}×{SourceHeight} to {Placement.Width}×{Placement.Height}, pad with white to {TargetWidth}×{TargetHeight} at ({Placement.X},{Placement.Y})",
        _ => $"stretch {SourceWidth}×{SourceHeight} to {TargetWidth}×{TargetHeight}",
    };

    /// <summary>True when the source already is the target: no pixel changes.</summary>
    public bool IsIdentity => SourceWidth == TargetWidth && SourceHeight == TargetHeight;
}
