using SixLabors.ImageSharp.Processing;

namespace Pipeline.Imaging;

/// <summary>Brings a source image to the model's fixed size.</summary>
public static class ImageFitter
{
    /// <summary>
    /// Fits <paramref name="source"/> to <paramref name="width"/> × <paramref name="height"/> with
    /// <paramref name="policy"/> (bicubic resampling; padding is white, like the training data's background).
    /// </summary>
    public static FittedImage Fit(RgbImage source, int width, int height, FitPolicy policy = FitPolicy.CenterCrop)
    {
        ArgumentNullException.ThrowIfNull(source);
        var transform = FitTransform.Create(source.Width, source.Height, width, height, policy);
        return new FittedImage(Resampling.Apply(source, transform, KnownResamplers.Bicubic, background: 255), transform);
    }
}
