using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using SixLabors.ImageSharp.Processing.Processors.Transforms;

namespace Pipeline.Imaging;

/// <summary>Carries an <see cref="RgbImage"/> through a <see cref="FitTransform"/> (crop, resize, place on a background).</summary>
internal static class Resampling
{
    public static RgbImage Apply(RgbImage source, FitTransform fit, IResampler sampler, byte background)
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

        var placed = Resize(source, fit.Crop, fit.Placement.Width, fit.Placement.Height, sampler);
        if (fit.Placement.Width == fit.TargetWidth && fit.Placement.Height == fit.TargetHeight)
        {
            return placed;
        }

        var canvas = RgbImage.Filled(fit.TargetWidth, fit.TargetHeight, background, background, background);
        var rowBytes = placed.Width * 3;
        for (var y = 0; y < placed.Height; y++)
        {
            Array.Copy(placed.Rgb, y * rowBytes, canvas.Rgb, (((fit.Placement.Y + y) * fit.TargetWidth) + fit.Placement.X) * 3, rowBytes);
        }

        return canvas;
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
