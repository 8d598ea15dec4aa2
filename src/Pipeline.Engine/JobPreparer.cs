using System.Globalization;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// Checks a job and decodes its images on the caller's thread, before it queues, so bad input fails fast
/// with an <see cref="InvalidJobException"/> and image decoding never stalls the batch loop.
/// </summary>
internal static class JobPreparer
{
    public static PreparedJob Prepare(EngineJob job, EngineModelPack pack, EngineOptions options, IImageCodec images)
    {
        if (string.IsNullOrWhiteSpace(job.JobId))
        {
            throw new InvalidJobException(EngineErrorCodes.MissingJobId, "a job needs a non-empty job id");
        }

        RequireDefined(job.Kind, EngineErrorCodes.UnknownKind, "kind");
        RequireDefined(job.Priority, EngineErrorCodes.UnknownPriority, "priority");
        var order = job.Order ?? pack.Defaults.Order;
        RequireDefined(order, EngineErrorCodes.UnknownOrder, "order");

        SamplerSettings settings;
        float? strength = null;
        try
        {
            settings = new SamplerSettings
            {
                Steps = options.StepBudgets.ValidateRequested(job.Priority, job.Steps),
                Order = order,
                Temperature = job.Temperature ?? pack.Defaults.Temperature,
                TopK = job.TopK,
            };
            settings.Validate(pack.CodebookSize);
            if (job.Kind == JobKind.Variation)
            {
                strength = job.Strength ?? options.DefaultStrength;
                TokenMasks.ValidateStrength(strength.Value);
            }
        }
        catch (SamplingParameterException e)
        {
            throw new InvalidJobException(e.Code, e.Message, e);
        }

        if (job.Kind == JobKind.Generation)
        {
            return new PreparedJob(job, pack, settings, null, null, null, null, 0f);
        }

        if (job.SourceImage.IsEmpty)
        {
            throw new InvalidJobException(EngineErrorCodes.MissingSourceImage,
                $"a {Lower(job.Kind)} job needs a source image; none was given");
        }

        var source = images.DecodeAndFit(job.SourceImage, pack.ImageWidth, pack.ImageHeight);
        if (source.Pixels.Length != 3 * pack.ImageWidth * pack.ImageHeight)
        {
            throw new InvalidOperationException(
                $"image codec returned {source.Pixels.Length} values; expected 3x{pack.ImageHeight}x{pack.ImageWidth}");
        }

        return job.Kind == JobKind.Inpainting
            ? PrepareInpainting(job, pack, settings, source, options, images)
            : new PreparedJob(job, pack, settings, strength, source, null, null, 0f);
    }

    private static PreparedJob PrepareInpainting(EngineJob job, EngineModelPack pack, SamplerSettings settings,
        FittedImage source, EngineOptions options, IImageCodec images)
    {
        var hasImage = !job.MaskImage.IsEmpty;
        var hasRectangles = job.MaskRectangles.Count > 0;
        if (hasImage == hasRectangles)
        {
            throw hasImage
                ? new InvalidJobException(EngineErrorCodes.AmbiguousMask, "give either a mask image or mask rectangles, not both")
                : new InvalidJobException(EngineErrorCodes.MissingMask,
                    "an inpainting job needs a mask image (white = regenerate) or mask rectangles; none was given");
        }

        var feather = job.FeatherPixels ?? options.DefaultFeatherPixels;
        if (!float.IsFinite(feather) || feather < 0f)
        {
            throw new InvalidJobException(EngineErrorCodes.FeatherOutOfRange, string.Create(CultureInfo.InvariantCulture,
                $"featherPixels must be a finite number of at least 0; got {feather}"));
        }

        var pixelMask = hasImage ? images.DecodeMask(job.MaskImage, source) : images.RasterizeMask(job.MaskRectangles, source);
        var tokenMask = TokenMasks.FromPixelMask(pixelMask, pack.ImageHeight, pack.ImageWidth, pack.LatentHeight, pack.LatentWidth);
        if (Array.IndexOf(tokenMask, true) < 0)
        {
            throw new InvalidJobException(EngineErrorCodes.EmptyMask,
                "the mask covers no part of the image; mark the region to regenerate in white (or give a rectangle inside the image)");
        }

        return new PreparedJob(job, pack, settings, null, source, pixelMask, tokenMask, feather);
    }

    private static void RequireDefined<T>(T value, string code, string name)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new InvalidJobException(code,
                $"{name} must be one of {string.Join(", ", Enum.GetNames<T>().Select(n => n.ToLowerInvariant()))}; got {value}");
        }
    }

    internal static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
