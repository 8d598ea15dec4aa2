using Pipeline.Imaging;

namespace Pipeline.Engine;

/// <summary>
/// A finished model-size job's image from its decoded pixels. Generation: the decoded image. Inpainting: the decoded work
/// region composed back onto the source at the source's resolution under the mask (feathered), every other pixel the
/// source's. Variation of a source not of the model's size: likewise under the footprint of the re-masked tokens, inside
/// the centred fit region (outside it the source is kept as is); a model-size variation is the decoded image, as it
/// always was (the decoder redraws unchanged tokens too, so it is not pixel-identical to the source there).
/// </summary>
internal static class ResultImage
{
    /// <param name="decoded">The decoder's planar output for this job: unclamped (docs/architecture.md §2); every path
    /// below clamps it and rounds it to 8 bits as it leaves the planar layout.</param>
    public static RgbImage From(JobState job, ReadOnlySpan<float> decoded, IImageCodec images)
    {
        var prepared = job.Prepared;
        var pack = prepared.Pack;
        if (prepared.PixelMask is not null)
        {
            return images.Composite(prepared.Source!, decoded, prepared.SourceMask!, prepared.FeatherPixels);
        }

        if (prepared.Source is { Original: not null } source && job.RemaskedTokens is { } remasked)
        {
            var footprint = MaskFitter.FromTokens(remasked, pack.LatentHeight, pack.LatentWidth, pack.ImageHeight, pack.ImageWidth);
            return images.Composite(source, decoded, MaskFitter.Lift(footprint, source.Transform), prepared.FeatherPixels);
        }

        return PlanarPixels.FromPlanar(decoded, pack.ImageWidth, pack.ImageHeight);
    }

    /// <summary>A variation whose result is composed back onto a larger source: which positions it re-masked; else null.</summary>
    public static bool[]? Remasked(PreparedJob prepared, ReadOnlySpan<long> maskedTokens, int maskId)
    {
        if (prepared.Source?.Original is null)
        {
            return null;
        }

        var remasked = new bool[maskedTokens.Length];
        for (var i = 0; i < remasked.Length; i++)
        {
            remasked[i] = maskedTokens[i] == maskId;
        }

        return remasked;
    }
}
