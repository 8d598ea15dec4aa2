namespace Pipeline.Imaging;

/// <summary>An image at the model's size and the geometry that produced it (for masks and for the result record).</summary>
public sealed record FittedImage(RgbImage Image, FitTransform Transform)
{
    /// <summary>Human-readable account of the fit, e.g. "center-crop 480×480 at (80,0) of 640×480, resize to 32×32".</summary>
    public string Description => Transform.Description;

    /// <summary>
    /// The decoded source at its own size (after EXIF orientation), kept when it is not the model's size: results are
    /// composed back onto it (<see cref="SourceComposer"/>), so they come out at the source's resolution. Null when
    /// <see cref="Image"/> is the source.
    /// </summary>
    public RgbImage? Original { get; init; }
}
