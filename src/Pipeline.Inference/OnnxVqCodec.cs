namespace Pipeline.Inference;

/// <summary>
/// <see cref="IVqCodec"/> over vq_encoder.onnx and vq_decoder.onnx. Thread-safe: see <see cref="OnnxGraph"/>.
/// Spans may be longer than the batch needs; only the first batch × … elements are used.
/// </summary>
internal sealed class OnnxVqCodec(OnnxGraph encoder, OnnxGraph decoder, ModelPackManifest manifest) : IVqCodec
{
    public int ImageWidth { get; } = manifest.Image.Width;

    public int ImageHeight { get; } = manifest.Image.Height;

    public int SequenceLength { get; } = manifest.SequenceLength;

    public int CodebookSize { get; } = manifest.CodebookSize;

    private long PixelsPerImage => 3L * ImageHeight * ImageWidth;

    public void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch == 0)
        {
            return;
        }

        TokenRange.CheckLength(pixels.Length, batch * PixelsPerImage, nameof(pixels));
        TokenRange.CheckLength(ids.Length, (long)batch * SequenceLength, nameof(ids));
        encoder.Run(
            pixels[..(int)(batch * PixelsPerImage)], [batch, 3, ImageHeight, ImageWidth],
            ids[..(batch * SequenceLength)], [batch, SequenceLength]);
    }

    public void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch == 0)
        {
            return;
        }

        TokenRange.CheckLength(ids.Length, (long)batch * SequenceLength, nameof(ids));
        TokenRange.CheckLength(pixels.Length, batch * PixelsPerImage, nameof(pixels));
        var input = ids[..(batch * SequenceLength)];
        TokenRange.Check(input, CodebookSize - 1, "Decoder token ids (never MASK)", nameof(ids));
        decoder.Run(input, [batch, SequenceLength], pixels[..(int)(batch * PixelsPerImage)], [batch, 3, ImageHeight, ImageWidth]);
    }
}
