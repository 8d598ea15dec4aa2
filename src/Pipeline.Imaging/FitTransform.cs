namespace Pipeline.Imaging;

/// <summary>
/// The geometry of one fit: the largest centred region of the source (<see cref="Crop"/>) with the target's aspect
/// ratio, which is resized to the whole target (no distortion, no borders). Kept so that a source-size mask can be
/// carried through exactly the same geometry as its image.
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

    /// <summary>A human-readable account of the fit, recorded with results, e.g. "center-crop 480×480 at (80,0) of 640×480, resize to 32×32".</summary>
    public string Description => IsIdentity
        ? $"{SourceWidth}×{SourceHeight} used as is"
        : $"center-crop {Crop} of {SourceWidth}×{SourceHeight}, resize to {TargetWidth}×{TargetHeight}";

    /// <summary>True when the source already is the target: no pixel changes.</summary>
    public bool IsIdentity => SourceWidth == TargetWidth && SourceHeight == TargetHeight;
}
