using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine;

/// <summary>
/// Checks a job and decodes its images on the caller's thread, before it queues, so bad input fails fast
/// with an <see cref="InvalidJobException"/> and image decoding never stalls the batch loop. Every parameter is judged by
/// its <see cref="JobParameterRules"/> rule (the API's), with the pack's limits where it has them; only the image checks
/// are the engine's own.
/// </summary>
internal static class JobPreparer
{
    public static PreparedJob Prepare(EngineJob job, EngineModelPack pack, EngineOptions options, IImageCodec images)
    {
        InvalidJobException.ThrowIf(JobParameterRules.JobId(job.JobId));
        InvalidJobException.ThrowIf(JobParameterRules.Kind(JobKinds.Name(job.Kind)));
        InvalidJobException.ThrowIf(JobParameterRules.Priority(JobPriorities.Name(job.Priority)));
        var order = job.Order ?? pack.DefaultOrder;
        InvalidJobException.ThrowIf(JobParameterRules.Order(UnmaskOrders.Name(order)));

        SamplerSettings settings;
        float? strength = null;
        try
        {
            settings = new SamplerSettings
            {
                Steps = pack.Budgets.ValidateRequested(job.Priority, job.Steps),
                Order = order,
                Temperature = job.Temperature ?? pack.DefaultTemperature,
                TopK = job.TopK,
                Confidence = pack.Confidence,
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

        // Canvas jobs (docs/canvas.md) lay out their canvas here; model-size jobs go on below.
        if (Canvas.CanvasPreparer.IsCanvas(job, pack))
        {
            var canvas = Canvas.CanvasPreparer.Prepare(job, pack, options, images);
            return new PreparedJob(job, pack, settings, null, null, null, null, canvas.FeatherPixels) { Canvas = canvas };
        }

        if (job.Kind == JobKind.Generation)
        {
            return new PreparedJob(job, pack, settings, null, null, null, null, 0f);
        }

        InvalidJobException.ThrowIf(JobParameterRules.SourceImage(job.Kind, given: !job.SourceImage.IsEmpty));
        var source = Decode(() => images.DecodeAndFit(job.SourceImage, pack.ImageWidth, pack.ImageHeight));
        if (source.Image.Width != pack.ImageWidth || source.Image.Height != pack.ImageHeight)
        {
            throw new InvalidOperationException(
                $"image codec returned {source.Image.Width}x{source.Image.Height}; expected {pack.ImageWidth}x{pack.ImageHeight}");
        }

        if (job.Kind == JobKind.Inpainting)
        {
            return PrepareInpainting(job, pack, settings, source, options, images);
        }

        // A variation of a source that is not the model's size is composed back onto it with this feather (model pixels).
        var variationFeather = job.FeatherPixels ?? options.DefaultFeatherPixels;
        InvalidJobException.ThrowIf(JobParameterRules.FeatherPixels(variationFeather));
        return new PreparedJob(job, pack, settings, strength, source, null, null, variationFeather);
    }

    private static PreparedJob PrepareInpainting(EngineJob job, EngineModelPack pack, SamplerSettings settings,
        FittedImage source, EngineOptions options, IImageCodec images)
    {
        var hasImage = !job.MaskImage.IsEmpty;
        InvalidJobException.ThrowIf(JobParameterRules.Mask(hasImage, hasRectangles: job.MaskRectangles.Count > 0));
        var feather = job.FeatherPixels ?? options.DefaultFeatherPixels;
        InvalidJobException.ThrowIf(JobParameterRules.FeatherPixels(feather));

        // The work region around the mask (the whole source when it is the model's size) replaces the centred fit.
        var masked = Decode(() => hasImage ? images.DecodeMask(job.MaskImage, source) : images.RasterizeMask(job.MaskRectangles, source));
        var pixelMask = masked.Mask;
        if (pixelMask.Width != pack.ImageWidth || pixelMask.Height != pack.ImageHeight
            || masked.Work.Image.Width != pack.ImageWidth || masked.Work.Image.Height != pack.ImageHeight)
        {
            throw new InvalidOperationException(
                $"image codec returned a {pixelMask.Width}x{pixelMask.Height} mask and a {masked.Work.Image.Width}x{masked.Work.Image.Height} work image; "
                + $"expected {pack.ImageWidth}x{pack.ImageHeight}");
        }

        var tokenMask = TokenMasks.FromPixelMask(pixelMask.Values, pack.ImageHeight, pack.ImageWidth, pack.LatentHeight, pack.LatentWidth);
        if (Array.IndexOf(tokenMask, true) < 0)
        {
            throw new InvalidJobException(ContractErrorCodes.EmptyMask,
                "the mask covers no part of the image; mark the region to regenerate in white (or give a rectangle inside the image)");
        }

        return new PreparedJob(job, pack, settings, null, masked.Work, pixelMask, tokenMask, feather) { SourceMask = masked.SourceMask };
    }

    /// <summary>Runs an image step; bad input becomes an <see cref="InvalidJobException"/> with the same code and message.</summary>
    private static T Decode<T>(Func<T> step)
    {
        try
        {
            return step();
        }
        catch (ImageInputException e)
        {
            throw new InvalidJobException(e.Code, e.Message, e);
        }
    }
}
