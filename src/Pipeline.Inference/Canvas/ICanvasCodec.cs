namespace Pipeline.Inference.Canvas;

/// <summary>How an <see cref="ICanvasCodec"/> reaches canvases larger than the model's image.</summary>
public enum CanvasCodecMode
{
    /// <summary>One ONNX pass over the whole canvas: the pack's graphs have dynamic spatial axes (manifest schemaVersion 2).</summary>
    Dynamic,

    /// <summary>
    /// Model-size tiles with overlap: decoded tiles are blended with smooth weights, encoded tokens are taken from the
    /// tile where they are most central. The fallback for packs whose graphs are fixed (schemaVersion 1).
    /// </summary>
    Tiled,
}

/// <summary>
/// The VQGAN over canvases: images (and token grids) of any size that is a multiple of the token size and at least
/// the model's size on each side. Pixels are planar RGB float32, 3 × H × W, in the pack's range; token ids are
/// row-major. One canvas per call. Safe to call from several threads.
/// </summary>
public interface ICanvasCodec
{
    /// <summary>Image pixels per token side (image width / latent width).</summary>
    int TokenSize { get; }

    /// <summary>The model's token grid height (the manifest's latent height).</summary>
    int ModelGridHeight { get; }

    /// <summary>The model's token grid width (the manifest's latent width).</summary>
    int ModelGridWidth { get; }

    CanvasCodecMode Mode { get; }

    /// <summary>
    /// The mode that encodes and decodes a canvas of <paramref name="gridHeight"/> × <paramref name="gridWidth"/> tokens:
    /// <see cref="Mode"/>, except on a codec that picks by size (<see cref="CanvasCodecs.For"/> with a one-pass limit).
    /// </summary>
    CanvasCodecMode ModeFor(int gridHeight, int gridWidth) => Mode;

    /// <summary>
    /// pixels: 3 × <paramref name="heightPx"/> × <paramref name="widthPx"/> floats in the pack's range; both sizes
    /// multiples of <see cref="TokenSize"/>, each at least the model's image size. ids receives
    /// (heightPx / TokenSize) × (widthPx / TokenSize) token ids, row-major.
    /// </summary>
    /// <exception cref="ArgumentException">A size that is not a multiple of the token size, smaller than the model, or a buffer too small.</exception>
    void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids);

    /// <summary>
    /// ids: <paramref name="gridHeight"/> × <paramref name="gridWidth"/> token ids in 0..V-1 (never MASK), each side at
    /// least the model's grid; pixels receives 3 × (gridHeight · TokenSize) × (gridWidth · TokenSize) floats, unclamped.
    /// </summary>
    /// <exception cref="ArgumentException">A grid smaller than the model's, or a buffer too small.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An id outside 0..V-1.</exception>
    void Decode(ReadOnlySpan<long> ids, int gridHeight, int gridWidth, Span<float> pixels);
}
