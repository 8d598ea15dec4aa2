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
            throw SizeMismatch(mask, fit);
        }

        if (fitted.Count == 0)
        {
            throw NoPixelSelected();
        }

        return fitted;
    }

    /// <summary>
    /// The mask at the source's size, for compositing at full resolution: a mask of the source's size as is; a mask of
    /// the model's size is taken in the model's view of the source (the centred <paramref name="fit"/>, as before results
    /// came back at full size) and carried up to the source's pixels; any other size is an error.
    /// </summary>
    /// <exception cref="ImageInputException">Size mismatch, or a mask that selects no pixel.</exception>
    public static PixelMask ToSource(PixelMask mask, FitTransform fit)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(fit);
        var atSource = mask.Width == fit.SourceWidth && mask.Height == fit.SourceHeight
            ? mask
            : mask.Width == fit.TargetWidth && mask.Height == fit.TargetHeight
                ? Lift(mask, fit)
                : throw SizeMismatch(mask, fit);
        return Array.IndexOf(atSource.Values, true) >= 0 ? atSource : throw NoPixelSelected();
    }

    /// <summary>
    /// A model-size mask carried up to the source's size through <paramref name="fit"/>: a source pixel inside the fit's
    /// region is set when the model pixel it lands on is; every pixel outside the region is clear.
    /// </summary>
    public static PixelMask Lift(PixelMask modelMask, FitTransform fit)
    {
        ArgumentNullException.ThrowIfNull(modelMask);
        ArgumentNullException.ThrowIfNull(fit);
        if (modelMask.Width != fit.TargetWidth || modelMask.Height != fit.TargetHeight)
        {
            throw new ArgumentException($"Expected a {fit.TargetWidth}×{fit.TargetHeight} mask, got {modelMask.Width}×{modelMask.Height}.", nameof(modelMask));
        }

        var crop = fit.Crop;
        var values = new bool[checked(fit.SourceWidth * fit.SourceHeight)];
        var column = new int[crop.Width];
        for (var x = 0; x < crop.Width; x++)
        {
            column[x] = (int)((long)x * fit.TargetWidth / crop.Width);
        }

        for (var y = 0; y < crop.Height; y++)
        {
            var modelRow = (int)((long)y * fit.TargetHeight / crop.Height) * fit.TargetWidth;
            var row = (crop.Y + y) * fit.SourceWidth + crop.X;
            for (var x = 0; x < crop.Width; x++)
            {
                values[row + x] = modelMask.Values[modelRow + column[x]];
            }
        }

        return new PixelMask(fit.SourceWidth, fit.SourceHeight, values);
    }

    /// <summary>
    /// The model pixels covered by the set tokens of a <paramref name="latentHeight"/> × <paramref name="latentWidth"/>
    /// grid: token (r, c) covers rows floor(r·H/h) … ceil((r+1)·H/h) − 1 and likewise columns, the patches
    /// Pipeline.Sampling's TokenMasks.FromPixelMask pools over (a variation's regenerated footprint).
    /// </summary>
    public static PixelMask FromTokens(ReadOnlySpan<bool> tokens, int latentHeight, int latentWidth, int height, int width)
    {
        if (tokens.Length != latentHeight * latentWidth)
        {
            throw new ArgumentException($"Expected {latentHeight}×{latentWidth} tokens, got {tokens.Length}.", nameof(tokens));
        }

        var values = new bool[checked(width * height)];
        for (var r = 0; r < latentHeight; r++)
        {
            var (y0, y1) = (r * height / latentHeight, (((r + 1) * height) + latentHeight - 1) / latentHeight);
            for (var c = 0; c < latentWidth; c++)
            {
                if (!tokens[(r * latentWidth) + c])
                {
                    continue;
                }

                var (x0, x1) = (c * width / latentWidth, (((c + 1) * width) + latentWidth - 1) / latentWidth);
                for (var y = y0; y < y1; y++)
                {
                    Array.Fill(values, true, (y * width) + x0, x1 - x0);
                }
            }
        }

        return new PixelMask(width, height, values);
    }

    /// <summary>The error for a mask that marks nothing to regenerate.</summary>
    internal static ImageInputException NoPixelSelected() =>
        new(ContractErrorCodes.MaskInvalid, "The mask selects no pixel to regenerate.");

    private static ImageInputException SizeMismatch(PixelMask mask, FitTransform fit) =>
        new(ContractErrorCodes.MaskSizeMismatch,
            $"The mask is {mask.Width}×{mask.Height}; it must be the source image's size ({fit.SourceWidth}×{fit.SourceHeight}) " +
            $"or the model's ({fit.TargetWidth}×{fit.TargetHeight}).");

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
