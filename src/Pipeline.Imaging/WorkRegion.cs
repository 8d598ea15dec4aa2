using Pipeline.Contracts;

namespace Pipeline.Imaging;

/// <summary>
/// Chooses the part of a source an inpainting regenerates: a region with the model's aspect ratio around the mask, with
/// context, that the model sees at its own size. The rest of the source is never resampled, so it comes back untouched.
/// </summary>
public static class WorkRegion
{
    /// <summary>
    /// The region for a mask whose set pixels lie in <paramref name="maskBounds"/>: the bounds grown on every side by half
    /// their longer side (context for the model), enlarged to the model's aspect ratio and to at least the model's size
    /// (the source is never upsampled where it need not be), at most the largest region of that aspect ratio (the
    /// centred fit's size), centred on the mask and shifted inside the image. A source of the model's size is used whole.
    /// </summary>
    /// <exception cref="ImageInputException"><c>mask_invalid</c>: the mask is wider or taller than the largest region.</exception>
    public static FitTransform Around(PixelRect maskBounds, int sourceWidth, int sourceHeight, int targetWidth, int targetHeight)
    {
        var largest = FitTransform.Create(sourceWidth, sourceHeight, targetWidth, targetHeight);
        if (largest.IsIdentity)
        {
            return largest;
        }

        var (maxWidth, maxHeight) = (largest.Crop.Width, largest.Crop.Height);
        if (maskBounds.Width > maxWidth || maskBounds.Height > maxHeight)
        {
            throw new ImageInputException(ContractErrorCodes.MaskInvalid,
                $"The masked pixels span {maskBounds.Width}×{maskBounds.Height} (from ({maskBounds.X},{maskBounds.Y})); one inpainting regenerates "
                + $"at most a {maxWidth}×{maxHeight} region of this {sourceWidth}×{sourceHeight} image (the largest with the model's "
                + "aspect ratio). Split the mask into parts that each fit such a region and run one job per part.");
        }

        // Sizes k·(tw/g) × k·(th/g) keep the aspect ratio exactly; take the smallest k that holds the mask with context.
        var margin = (Math.Max(maskBounds.Width, maskBounds.Height) + 1) / 2;
        var (needWidth, needHeight) = (Math.Max(maskBounds.Width + (2L * margin), targetWidth), Math.Max(maskBounds.Height + (2L * margin), targetHeight));
        var g = Gcd(targetWidth, targetHeight);
        var (unitWidth, unitHeight) = (targetWidth / g, targetHeight / g);
        var k = Math.Max(CeilDiv(needWidth, unitWidth), CeilDiv(needHeight, unitHeight));
        var (width, height) = k * unitWidth > maxWidth || k * unitHeight > maxHeight
            ? (maxWidth, maxHeight)
            : ((int)(k * unitWidth), (int)(k * unitHeight));

        var x = Math.Clamp(maskBounds.X + (maskBounds.Width / 2) - (width / 2), 0, sourceWidth - width);
        var y = Math.Clamp(maskBounds.Y + (maskBounds.Height / 2) - (height / 2), 0, sourceHeight - height);
        return FitTransform.ForRegion(sourceWidth, sourceHeight, targetWidth, targetHeight, new PixelRect(x, y, width, height));
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);
}
