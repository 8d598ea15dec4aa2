using System.Globalization;

namespace Pipeline.Contracts;

/// <summary>
/// The rules of canvas jobs (images larger than the model's): generation at a size, outpainting that extends the frame,
/// stitching with a generated join. Like <see cref="JobParameterRules"/>, each returns null when the value is acceptable;
/// the message-level rules (<see cref="Message"/>) need no pack, the others take the pack's sizes and the worker's limit.
/// </summary>
public static class CanvasParameterRules
{
    /// <summary>Largest canvas side a message may ask for, in pixels; the pack's area limit is usually lower.</summary>
    public const int MaxSidePixels = 4096;

    /// <summary>Largest canvas stride (tokens) a message may carry; the pack's grid side is usually lower.</summary>
    public const int MaxStride = 256;

    /// <summary>Largest outpainting extension per side and stitching join, in pixels, a message may carry.</summary>
    public const int MaxExtendPixels = 2048;

    /// <summary>Every message-level problem of the canvas fields of <paramref name="job"/> (<paramref name="kind"/> parsed, or null).</summary>
    public static IEnumerable<ContractError> Message(SubmitJob job, JobKind? kind)
    {
        ArgumentNullException.ThrowIfNull(job);
        if (job.Width is not null || job.Height is not null)
        {
            if (kind is not null and not JobKind.Generation)
            {
                yield return NotAllowed("width and height are for generation (outpainting and stitching take their size from the sources)", kind);
            }
            else if (job.Width is null || job.Height is null)
            {
                yield return new(ContractErrorCodes.CanvasSizeInvalid, "give both width and height of the canvas, or neither");
            }
            else if (job.Width < 1 || job.Height < 1 || job.Width > MaxSidePixels || job.Height > MaxSidePixels)
            {
                yield return new(ContractErrorCodes.CanvasSizeInvalid, Inv($"width and height must be between 1 and {MaxSidePixels}; got {job.Width}x{job.Height}"));
            }
        }

        if (job.Stride is { } stride && (stride < 1 || stride > MaxStride))
        {
            yield return new(ContractErrorCodes.CanvasStrideOutOfRange, Inv($"stride must be between 1 and the model's token grid side; got {stride}"));
        }

        if (job.Extend is { } extend)
        {
            if (kind is not null and not JobKind.Outpainting)
            {
                yield return NotAllowed("extend is for outpainting", kind);
            }
            else if (Extend(extend) is { } error)
            {
                yield return error;
            }
        }
        else if (kind == JobKind.Outpainting)
        {
            yield return new(ContractErrorCodes.ExtendInvalid, "outpainting needs extend: pixels to add per side, e.g. {\"left\": 16, \"right\": 16}");
        }

        if (kind is not null and not JobKind.Stitching && (job.SecondImageKey is not null || job.JoinPixels is not null || job.Vertical is not null))
        {
            yield return NotAllowed("secondImageKey, joinPixels and vertical are for stitching", kind);
        }

        if (kind == JobKind.Stitching && job.SecondImageKey is null)
        {
            yield return new(ContractErrorCodes.MissingSourceImage, "stitching needs a second image (secondImageKey) beside the source image");
        }

        if (job.SecondImageKey is not null && !InputKeys.IsValid(job.SecondImageKey))
        {
            yield return new(ContractErrorCodes.InvalidInputKey, $"secondImageKey must match {InputKeys.Pattern}");
        }

        if (job.JoinPixels is { } join && (join < 0 || join > MaxExtendPixels))
        {
            yield return new(ContractErrorCodes.JoinOutOfRange, Inv($"joinPixels must be between 0 and {MaxExtendPixels}; got {join}"));
        }
    }

    /// <summary>An extension is 0 or more per side, at most <see cref="MaxExtendPixels"/>, and adds something.</summary>
    public static ContractError? Extend(CanvasExtend extend)
    {
        ArgumentNullException.ThrowIfNull(extend);
        int[] sides = [extend.Left, extend.Top, extend.Right, extend.Bottom];
        if (sides.Any(s => s < 0 || s > MaxExtendPixels))
        {
            return new(ContractErrorCodes.ExtendInvalid, Inv($"extend takes 0 to {MaxExtendPixels} pixels per side; got left={extend.Left}, top={extend.Top}, right={extend.Right}, bottom={extend.Bottom}"));
        }

        return sides.Sum() == 0
            ? new(ContractErrorCodes.ExtendInvalid, "extend adds nothing: give at least one side more than 0 pixels, e.g. left=16")
            : null;
    }

    /// <summary>A canvas of <paramref name="width"/> × <paramref name="height"/> pixels on a pack: multiples of its token size, at least its image.</summary>
    public static ContractError? Size(int width, int height, int tokenSize, int modelWidth, int modelHeight)
    {
        if (width % tokenSize != 0 || height % tokenSize != 0)
        {
            return new(ContractErrorCodes.CanvasSizeInvalid,
                Inv($"canvas {width}x{height} is not a multiple of the model's token size {tokenSize} pixels; try {RoundUp(width, tokenSize)}x{RoundUp(height, tokenSize)}"));
        }

        return width < modelWidth || height < modelHeight
            ? new(ContractErrorCodes.CanvasSizeInvalid,
                Inv($"canvas {width}x{height} is smaller than the model's image {modelWidth}x{modelHeight} on a side; each side must be at least the model's"))
            : null;
    }

    /// <summary>The canvas area is at most <paramref name="maxAreaFactor"/> × the model's.</summary>
    public static ContractError? Area(int width, int height, int modelWidth, int modelHeight, int maxAreaFactor) =>
        (long)width * height <= (long)maxAreaFactor * modelWidth * modelHeight
            ? null
            : new(ContractErrorCodes.CanvasTooLarge,
                Inv($"canvas {width}x{height} is {(double)width * height / (modelWidth * modelHeight):0.#}× the model's {modelWidth}x{modelHeight} area; this worker allows at most {maxAreaFactor}× ({maxAreaFactor * modelWidth * modelHeight} pixels), e.g. {maxAreaFactor * modelWidth}x{modelHeight}"));

    /// <summary>The stride is 1 … the model's grid side (<paramref name="gridSide"/> tokens).</summary>
    public static ContractError? Stride(int stride, int gridSide) => stride >= 1 && stride <= gridSide
        ? null
        : new(ContractErrorCodes.CanvasStrideOutOfRange, Inv($"stride must be between 1 and the model's token grid side {gridSide}; got {stride}"));

    /// <summary>The canvas needs at most <paramref name="maxWindows"/> windows per step at its stride.</summary>
    public static ContractError? Windows(int windows, int maxWindows, int stride) => windows <= maxWindows
        ? null
        : new(ContractErrorCodes.CanvasTooManyWindows,
            Inv($"this canvas at stride {stride} needs {windows} model windows per step; this worker runs at most {maxWindows}: raise the stride or shrink the canvas"));

    private static ContractError NotAllowed(string what, JobKind? kind) =>
        new(ContractErrorCodes.CanvasFieldNotAllowed, $"{what}; kind is {(kind is { } k ? JobKinds.Name(k) : "unknown")}");

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
