namespace Pipeline.Inference;

/// <summary>
/// <see cref="IVqCodec"/> over vq_encoder.onnx and vq_decoder.onnx. Thread-safe: see <see cref="OnnxGraph"/>.
/// Spans may be longer than the batch needs; only the first batch × … elements are used.
/// </summary>
/// <remarks>
/// A schemaVersion 2 pack's graphs take a token grid [batch, gridHeight, gridWidth] and an image of any matching
/// size; a version 1 pack's take [batch, N] and the model's image only. The memory layout is the same (row-major ids),
/// so <see cref="Encode"/> and <see cref="Decode"/> serve both; <see cref="EncodeGrid"/> and <see cref="DecodeGrid"/>
/// run other sizes on version 2 graphs.
/// </remarks>
internal sealed class OnnxVqCodec(OnnxGraph encoder, OnnxGraph decoder, ModelPackManifest manifest) : IVqCodec
{
    private readonly bool _gridIds = manifest.HasDynamicSpatialAxes;

    public int ImageWidth { get; } = manifest.Image.Width;

    public int ImageHeight { get; } = manifest.Image.Height;

    public int SequenceLength { get; } = manifest.SequenceLength;

    public int CodebookSize { get; } = manifest.CodebookSize;

    /// <summary>Whether <see cref="EncodeGrid"/> and <see cref="DecodeGrid"/> accept sizes other than the model's.</summary>
    public bool HasDynamicSpatialAxes => _gridIds;

    private int GridHeight => manifest.Latent.Height;

    private int GridWidth => manifest.Latent.Width;

    public void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids) =>
        EncodeGrid(pixels, batch, ImageHeight, ImageWidth, GridHeight, GridWidth, ids);

    public void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels) =>
        DecodeGrid(ids, batch, GridHeight, GridWidth, ImageHeight, ImageWidth, pixels);

    /// <summary>Images of heightPx × widthPx → ids of gridHeight × gridWidth each; sizes already checked by the caller.</summary>
    public void EncodeGrid(ReadOnlySpan<float> pixels, int batch, int heightPx, int widthPx, int gridHeight, int gridWidth, Span<long> ids)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch == 0)
        {
            return;
        }

        CheckSize(heightPx, widthPx);
        long pixelCount = batch * 3L * heightPx * widthPx, idCount = (long)batch * gridHeight * gridWidth;
        TokenRange.CheckLength(pixels.Length, pixelCount, nameof(pixels));
        TokenRange.CheckLength(ids.Length, idCount, nameof(ids));
        encoder.Run(pixels[..(int)pixelCount], [batch, 3, heightPx, widthPx], ids[..(int)idCount], IdsShape(batch, gridHeight, gridWidth));
    }

    /// <summary>ids of gridHeight × gridWidth → images of heightPx × widthPx each; sizes already checked by the caller.</summary>
    public void DecodeGrid(ReadOnlySpan<long> ids, int batch, int gridHeight, int gridWidth, int heightPx, int widthPx, Span<float> pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch == 0)
        {
            return;
        }

        CheckSize(heightPx, widthPx);
        long pixelCount = batch * 3L * heightPx * widthPx, idCount = (long)batch * gridHeight * gridWidth;
        TokenRange.CheckLength(ids.Length, idCount, nameof(ids));
        TokenRange.CheckLength(pixels.Length, pixelCount, nameof(pixels));
        var input = ids[..(int)idCount];
        TokenRange.Check(input, CodebookSize - 1, "Decoder token ids (never MASK)", nameof(ids));
        decoder.Run(input, IdsShape(batch, gridHeight, gridWidth), pixels[..(int)pixelCount], [batch, 3, heightPx, widthPx]);
    }

    private long[] IdsShape(int batch, int gridHeight, int gridWidth) =>
        _gridIds ? [batch, gridHeight, gridWidth] : [batch, (long)gridHeight * gridWidth];

    private void CheckSize(int heightPx, int widthPx)
    {
        if (!_gridIds && (heightPx != ImageHeight || widthPx != ImageWidth))
        {
            throw new InvalidOperationException(
                $"Pack '{manifest.Name}' has fixed-size graphs (schemaVersion 1): {widthPx}×{heightPx} px cannot run in one pass; use a tiled canvas codec.");
        }
    }
}
