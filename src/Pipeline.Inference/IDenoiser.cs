namespace Pipeline.Inference;

/// <summary>
/// The bidirectional transformer of a model pack: token ids in, logits over the codebook out.
/// Implementations batch rows; the caller owns both buffers and may reuse them across calls.
/// </summary>
public interface IDenoiser
{
    /// <summary>Tokens per image (latent height × width).</summary>
    int SequenceLength { get; }

    /// <summary>Codebook size V; logits have V entries per position and the MASK id is V.</summary>
    int CodebookSize { get; }

    /// <summary>
    /// Runs one forward pass over <paramref name="batch"/> rows.
    /// <paramref name="tokens"/> holds batch × SequenceLength ids in 0..V (V = MASK), row-major;
    /// <paramref name="logits"/> receives batch × SequenceLength × V floats.
    /// </summary>
    void Forward(ReadOnlySpan<long> tokens, int batch, Span<float> logits);
}
