namespace Pipeline.Imaging;

/// <summary>An image at the model's size and the geometry that produced it (for masks and for the result record).</summary>
public sealed record FittedImage(RgbImage Image, FitTransform Transform)
{
    /// <summary>Human-readable account of the fit, e.g. "center-crop 480×480 at (80,0) of 640×480, resize to 32×32".</summary>
    public string Description => Transform.Description;
}
