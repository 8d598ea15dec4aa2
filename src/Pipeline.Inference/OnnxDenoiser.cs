namespace Pipeline.Inference;

/// <summary>
/// <see cref="IDenoiser"/> over denoiser.onnx. Thread-safe: see <see cref="OnnxGraph"/>. Spans may be longer than
/// the batch needs (a buffer sized for the largest batch); only the first batch × … elements are used.
/// </summary>
internal sealed class OnnxDenoiser(OnnxGraph graph, ModelPackManifest manifest) : IDenoiser
{
    public int SequenceLength { get; } = manifest.SequenceLength;

    public int CodebookSize { get; } = manifest.CodebookSize;

    /// <summary>The graph it runs (tests look at its binding).</summary>
    internal OnnxGraph Graph => graph;

    public void Forward(ReadOnlySpan<long> tokens, int batch, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        if (batch == 0)
        {
            return;
        }

        long n = SequenceLength, v = CodebookSize;
        TokenRange.CheckLength(tokens.Length, batch * n, nameof(tokens));
        TokenRange.CheckLength(logits.Length, batch * n * v, nameof(logits));
        var input = tokens[..(int)(batch * n)];
        TokenRange.Check(input, v, "Denoiser token ids (MASK = codebook size)", nameof(tokens));
        graph.Run(input, [batch, n], logits[..(int)(batch * n * v)], [batch, n, v]);
    }
}
