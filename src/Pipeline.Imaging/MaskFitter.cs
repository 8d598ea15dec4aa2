using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>Brings a mask to the model's size, consistently with its image's fit.</summary>
public static class MaskFitter
{
    /// <summary>
    /// A mask of the model size is used as is; a mask of the source image's size (after EXIF orientation) goes
    /// through the image's own <paramref name="fit"/>, so it stays aligned with the pixels it marks; any other size
    /// is an error (a mismatched mask usually means the wrong file).
    /// </summary>
    /// <exception cref="ImageInputException">Size mismatch, or a mask that selects no pixel at the model size.</exception>
    public static PixelMask ToModel(PixelMask mask, FitTransform fit)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(fit);
        PixelMask fitted;
        if (mask.Width == fit.TargetWidth && mask.Height == fit.TargetHeight)
        {
            fitted = mask;
        }
        else if (mask.Width == fit.SourceWidth && mask.Height == fit.SourceHeight)
        {
            fitted = Resample(mask, fit);
        }
        else
        {
            throw new ImageInputException(
                ContractErrorCodes.MaskSizeMismatch,
                $"The mask is {mask.Width}×{mask.Height}; it must be the source image's size ({fit.SourceWidth}×{fit.SourceHeight}) " +
                $"or the model's ({fit.TargetWidth}×{fit.TargetHeight}).");
        }

        if (fitted.Count == 0)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid, "The mask selects no pixel to regenerate.");
        }

        return fitted;
    }

    // Max-pool resampling: a target pixel is set when any source pixel under its footprint is. Upscaling reduces to
    // nearest neighbour; downscaling never loses a thin stroke, which nearest neighbour would drop between samples
    // (regenerating a little more is harmless, keeping a pixel the user marked is not).
    private static PixelMask Resample(PixelMask mask, FitTransform fit)
    {
        var crop = fit.Crop;
        var values = new bool[fit.TargetWidth * fit.TargetHeight];
        for (var ty = 0; ty < fit.TargetHeight; ty++)
        {
            var (y0, y1) = Footprint(ty, fit.TargetHeight, crop.Y, crop.Height);
            for (var tx = 0; tx < fit.TargetWidth; tx++)
            {
                var (x0, x1) = Footprint(tx, fit.TargetWidth, crop.X, crop.Width);
                values[(ty * fit.TargetWidth) + tx] = AnySet(mask, x0, x1, y0, y1);
            }
        }

        return new PixelMask(fit.TargetWidth, fit.TargetHeight, values);
    }

    // Source index range [start, end) covered by target index t of n, mapping onto [offset, offset + length).
    private static (int Start, int End) Footprint(int t, int n, int offset, int length)
    {
        var start = (int)((long)t * length / n);
        var end = (int)((((long)(t + 1) * length) + n - 1) / n);
        return (offset + start, offset + Math.Max(end, start + 1));
    }

    private static bool AnySet(PixelMask mask, int x0, int x1, int y0, int y1)
    {
        for (var y = y0; y < y1; y++)
        {
            if (Array.IndexOf(mask.Values, true, (y * mask.Width) + x0, x1 - x0) >= 0)
            {
                return true;
            }
        }

        return false;
    }
}
