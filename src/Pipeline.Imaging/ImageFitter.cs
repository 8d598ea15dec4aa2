using SixLabors.ImageSharp.Processing;

namespace Pipeline.Imaging;

/// <summary>Brings a source image to the model's fixed size.</summary>
public static class ImageFitter
{
    /// <summary>
    /// Fits <paramref name="source"/> to <paramref name="width"/> × <paramref name="height"/>: the largest centred region
    /// with the model's aspect ratio, resized with bicubic resampling (see <see cref="FitTransform"/>).
    /// </summary>
    public static FittedImage Fit(RgbImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        var transform = FitTransform.Create(source.Width, source.Height, width, height);
        return new FittedImage(Resampling.Apply(source, transform, KnownResamplers.Bicubic), transform);
    }
}
