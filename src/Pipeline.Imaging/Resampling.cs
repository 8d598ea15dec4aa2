using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Pipeline.Imaging;

/// <summary>Carries an <see cref="RgbImage"/> through a <see cref="FitTransform"/> (crop, resize).</summary>
internal static class Resampling
{
    public static RgbImage Apply(RgbImage source, FitTransform fit, IResampler sampler)
    {
        if (source.Width != fit.SourceWidth || source.Height != fit.SourceHeight)
        {
            throw new ArgumentException(
                $"The fit was computed for {fit.SourceWidth}×{fit.SourceHeight}, not {source.Width}×{source.Height}.", nameof(source));
        }

        if (fit.IsIdentity)
        {
            return new RgbImage(source.Width, source.Height, (byte[])source.Rgb.Clone());
        }

        return Resize(source, fit.Crop, fit.TargetWidth, fit.TargetHeight, sampler);
    }

    public static RgbImage Resize(RgbImage source, PixelRect crop, int width, int height, IResampler sampler)
    {
        using var image = Image.LoadPixelData<Rgb24>(ImagingConfiguration.Untrusted, source.Rgb, source.Width, source.Height);
        image.Mutate(x =>
        {
            if (crop.X != 0 || crop.Y != 0 || crop.Width != source.Width || crop.Height != source.Height)
            {
                x.Crop(new Rectangle(crop.X, crop.Y, crop.Width, crop.Height));
            }

            if (crop.Width != width || crop.Height != height)
            {
                x.Resize(width, height, sampler);
            }
        });
        var rgb = new byte[checked(width * height * 3)];
        image.CopyPixelDataTo(rgb);
        return new RgbImage(width, height, rgb);
    }
}
