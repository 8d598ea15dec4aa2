namespace Pipeline.Inference.Canvas;

/// <summary>
/// <see cref="ICanvasCodec"/> for packs whose encoder and decoder have dynamic spatial axes (schemaVersion 2): the
/// whole canvas in one ONNX pass, as the reference decodes its large samples.
/// </summary>
/// <remarks>
/// One pass is not the same as stitching model-size passes: the VQGAN's GroupNorm layers normalise over the whole
/// canvas and its middle attention block attends across all of it, so every pixel depends a little on the whole
/// canvas, not only on its convolutional neighbourhood. Memory grows with the canvas: activations with its area,
/// the attention matrix with the square of its token count.
/// </remarks>
internal sealed class DynamicCanvasCodec : ICanvasCodec
{
    private readonly OnnxVqCodec _codec;
    private readonly CanvasShape _shape;

    public DynamicCanvasCodec(OnnxVqCodec codec, int tokenSize, int modelGridHeight, int modelGridWidth)
    {
        if (!codec.HasDynamicSpatialAxes)
        {
            throw new ArgumentException("The dynamic canvas codec needs graphs with dynamic spatial axes (schemaVersion 2).", nameof(codec));
        }

        _codec = codec;
        _shape = new CanvasShape(tokenSize, modelGridHeight, modelGridWidth);
    }

    public int TokenSize => _shape.TokenSize;

    public int ModelGridHeight => _shape.ModelGridHeight;

    public int ModelGridWidth => _shape.ModelGridWidth;

    public CanvasCodecMode Mode => CanvasCodecMode.Dynamic;

    public void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids)
    {
        var (gridHeight, gridWidth) = _shape.PixelsToGrid(heightPx, widthPx);
        CanvasShape.CheckBuffer(pixels.Length, 3L * heightPx * widthPx, "pixel", nameof(pixels));
        CanvasShape.CheckBuffer(ids.Length, (long)gridHeight * gridWidth, "token id", nameof(ids));
        _codec.EncodeGrid(pixels, 1, heightPx, widthPx, gridHeight, gridWidth, ids);
    }

    public void Decode(ReadOnlySpan<long> ids, int gridHeight, int gridWidth, Span<float> pixels)
    {
        _shape.CheckGrid(gridHeight, gridWidth);
        int heightPx = gridHeight * TokenSize, widthPx = gridWidth * TokenSize;
        CanvasShape.CheckBuffer(ids.Length, (long)gridHeight * gridWidth, "token id", nameof(ids));
        CanvasShape.CheckBuffer(pixels.Length, 3L * heightPx * widthPx, "pixel", nameof(pixels));
        _codec.DecodeGrid(ids, 1, gridHeight, gridWidth, heightPx, widthPx, pixels);
    }
}
