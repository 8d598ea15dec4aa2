namespace Pipeline.Inference;

/// <summary>
/// The VQGAN half of a model pack: images to token ids (encoder + nearest-code argmin) and back
/// (codebook lookup + generator). Pixels are planar RGB float32 in the pack's pixel range, [batch, 3, H, W].
/// </summary>
public interface IVqCodec
{
    int ImageWidth { get; }
    int ImageHeight { get; }
    int SequenceLength { get; }
    int CodebookSize { get; }

    /// <summary>pixels: batch × 3 × H × W floats in [0, 1]; ids receives batch × SequenceLength ids in 0..V-1.</summary>
    void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids);

    /// <summary>ids: batch × SequenceLength ids in 0..V-1 (never MASK); pixels receives batch × 3 × H × W floats, unclamped.</summary>
    void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels);
}
