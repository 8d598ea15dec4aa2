namespace Pipeline.Contracts;

/// <summary>
/// A job's kind as code handles it. Messages carry its name (<see cref="JobKinds"/>, which parses and names it), so a
/// message with an unknown kind still deserializes and can be failed with a reason.
/// </summary>
public enum JobKind
{
    /// <summary>Every position masked: a new image from nothing (<see cref="JobKinds.Generation"/>).</summary>
    Generation,

    /// <summary>A source image re-masked at random and resampled (<see cref="JobKinds.Variation"/>).</summary>
    Variation,

    /// <summary>A source image re-masked under a mask, resampled and composited over the original (<see cref="JobKinds.Inpainting"/>).</summary>
    Inpainting,

    /// <summary>A source image placed on a larger canvas, the new border generated around it (<see cref="JobKinds.Outpainting"/>).</summary>
    Outpainting,

    /// <summary>Two source images side by side or stacked, the join between them generated (<see cref="JobKinds.Stitching"/>).</summary>
    Stitching,
}
