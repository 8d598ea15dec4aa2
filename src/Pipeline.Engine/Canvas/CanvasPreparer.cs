using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Sampling.Canvas;

namespace Pipeline.Engine.Canvas;

/// <summary>
/// Lays out a canvas job on the caller's thread (docs/canvas.md): a generation at a size, an outpainting (the source placed
/// at (left, top) on a canvas extended per side), or a stitch (two sources side by side or stacked, a join between). Sizes
/// are rounded up to the token size where the sources allow (the extra goes to the right and bottom, or into the join) and
/// judged by <see cref="CanvasParameterRules"/> with the pack's sizes and this worker's limits.
/// </summary>
internal static class CanvasPreparer
{
    /// <summary>True when <paramref name="job"/> is a canvas job (a generation at another size than the model's, outpainting, stitching).</summary>
    public static bool IsCanvas(EngineJob job, EngineModelPack pack) => job.Kind switch
    {
        JobKind.Outpainting or JobKind.Stitching => true,
        JobKind.Generation => (job.CanvasWidth is { } w && w != pack.ImageWidth) || (job.CanvasHeight is { } h && h != pack.ImageHeight),
        _ => false,
    };

    public static CanvasLayout Prepare(EngineJob job, EngineModelPack pack, EngineOptions options, IImageCodec images)
    {
        var codec = pack.Canvas ?? throw new InvalidJobException(ContractErrorCodes.CanvasSizeInvalid,
            $"model pack {pack.Name} serves only {pack.ImageWidth}x{pack.ImageHeight} images (it has no canvas codec)");
        var tokenSize = codec.TokenSize;
        var feather = job.FeatherPixels ?? options.DefaultFeatherPixels;
        InvalidJobException.ThrowIf(JobParameterRules.FeatherPixels(feather));
        int width, height;
        List<PlacedImage> sources = [];
        switch (job.Kind)
        {
            case JobKind.Generation:
                if (job.CanvasWidth is not { } w || job.CanvasHeight is not { } h)
                {
                    throw new InvalidJobException(ContractErrorCodes.CanvasSizeInvalid, "give both width and height of the canvas, or neither");
                }

                (width, height) = (w, h);
                break;
            case JobKind.Outpainting:
            {
                var extend = job.Extend ?? throw new InvalidJobException(ContractErrorCodes.ExtendInvalid,
                    "outpainting needs extend: pixels to add per side, e.g. left=16,right=16");
                InvalidJobException.ThrowIf(CanvasParameterRules.Extend(extend));
                var source = DecodeSource(images, job.SourceImage, JobKind.Outpainting);
                width = RoundUp(extend.Left + source.Width + extend.Right, tokenSize);
                height = RoundUp(extend.Top + source.Height + extend.Bottom, tokenSize);
                sources.Add(new PlacedImage(source, extend.Left, extend.Top));
                break;
            }

            case JobKind.Stitching:
            {
                var first = DecodeSource(images, job.SourceImage, JobKind.Stitching);
                if (job.SecondImage.IsEmpty)
                {
                    throw new InvalidJobException(ContractErrorCodes.MissingSourceImage, "stitching needs a second image beside the source image");
                }

                var second = DecodeSource(images, job.SecondImage, JobKind.Stitching);
                var join = job.JoinPixels ?? options.DefaultJoinPixels;
                if (join < 0 || join > CanvasParameterRules.MaxExtendPixels)
                {
                    throw new InvalidJobException(ContractErrorCodes.JoinOutOfRange,
                        $"joinPixels must be between 0 and {CanvasParameterRules.MaxExtendPixels}; got {join}");
                }

                // The join takes up the rounding, so the second image ends at the canvas's far edge; the shorter image's
                // missing strip (across the join) is generated too.
                if (job.Vertical)
                {
                    width = Math.Max(RoundUp(Math.Max(first.Width, second.Width), tokenSize), pack.ImageWidth);
                    height = RoundUp(first.Height + join + second.Height, tokenSize);
                    sources.Add(new PlacedImage(first, 0, 0));
                    sources.Add(new PlacedImage(second, 0, height - second.Height));
                }
                else
                {
                    width = RoundUp(first.Width + join + second.Width, tokenSize);
                    height = Math.Max(RoundUp(Math.Max(first.Height, second.Height), tokenSize), pack.ImageHeight);
                    sources.Add(new PlacedImage(first, 0, 0));
                    sources.Add(new PlacedImage(second, width - second.Width, 0));
                }

                if (join > (job.Vertical ? height : width) / 2)
                {
                    throw new InvalidJobException(ContractErrorCodes.JoinOutOfRange,
                        $"a join of {join} pixels is wider than the images it joins; at most half the stitched canvas ({(job.Vertical ? height : width) / 2} pixels)");
                }

                break;
            }

            default:
                throw new InvalidJobException(ContractErrorCodes.CanvasFieldNotAllowed, $"{JobKinds.Name(job.Kind)} runs at the model's size");
        }

        InvalidJobException.ThrowIf(CanvasParameterRules.Size(width, height, tokenSize, pack.ImageWidth, pack.ImageHeight));
        InvalidJobException.ThrowIf(CanvasParameterRules.Area(width, height, pack.ImageWidth, pack.ImageHeight, options.MaxCanvasAreaFactor));
        var (gridH, gridW) = (pack.LatentHeight, pack.LatentWidth);
        var stride = job.CanvasStride;
        if (stride is { } s)
        {
            InvalidJobException.ThrowIf(CanvasParameterRules.Stride(s, Math.Min(gridH, gridW)));
        }

        var (strideRows, strideCols) = (stride ?? CanvasWindows.DefaultStride(gridH), stride ?? CanvasWindows.DefaultStride(gridW));
        var count = CanvasWindows.CountFor(height / tokenSize, width / tokenSize, gridH, gridW, strideRows, strideCols);
        InvalidJobException.ThrowIf(CanvasParameterRules.Windows(count, options.MaxCanvasWindows, stride ?? strideCols));
        var windows = new CanvasWindows(height / tokenSize, width / tokenSize, gridH, gridW, strideRows, strideCols);
        return new CanvasLayout(width, height, tokenSize, windows, sources, feather);
    }

    private static RgbImage DecodeSource(IImageCodec images, ReadOnlyMemory<byte> encoded, JobKind kind)
    {
        InvalidJobException.ThrowIf(JobParameterRules.SourceImage(kind, given: !encoded.IsEmpty));
        try
        {
            return images.Decode(encoded);
        }
        catch (ImageInputException e)
        {
            throw new InvalidJobException(e.Code, e.Message, e);
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
