using Pipeline.Contracts;

namespace Pipeline.Engine;

/// <summary>The canvas fields of a job (docs/canvas.md): images larger than the model's, outpainting, stitching.</summary>
public sealed partial record EngineJob
{
    /// <summary>Generation: canvas width in pixels (with <see cref="CanvasHeight"/>); null: the model's size.</summary>
    public int? CanvasWidth { get; init; }

    /// <summary>Generation: canvas height in pixels; see <see cref="CanvasWidth"/>.</summary>
    public int? CanvasHeight { get; init; }

    /// <summary>Canvas jobs: tokens between window origins, 1 … the model's grid side; null: half the grid side.</summary>
    public int? CanvasStride { get; init; }

    /// <summary>Outpainting: pixels added per side of <see cref="SourceImage"/>.</summary>
    public CanvasExtend? Extend { get; init; }

    /// <summary>Stitching: the second image (right of, or below, <see cref="SourceImage"/>).</summary>
    public ReadOnlyMemory<byte> SecondImage { get; init; }

    /// <summary>Stitching: the generated join's width in pixels; null takes <see cref="EngineOptions.DefaultJoinPixels"/>.</summary>
    public int? JoinPixels { get; init; }

    /// <summary>Stitching: stack the second image below the first instead of to its right.</summary>
    public bool Vertical { get; init; }
}
