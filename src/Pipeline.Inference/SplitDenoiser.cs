namespace Pipeline.Inference;

/// <summary>
/// One denoiser over several sessions, each with its share of the CPU threads: a forward's rows are cut into contiguous
/// parts, one per session, run at the same time (<see cref="InferenceOptions.DenoiserSessions"/>). Small models on few
/// cores can spend much of a forward in one session's per-operator synchronisation; independent sessions on half
/// batches have none between them. Whether it pays is measured (<c>pipeline bench --denoiser-sessions</c>), not assumed.
/// Each row's logits depend only on that row (the graph has no cross-row operator), so the split changes no result.
/// </summary>
internal sealed class SplitDenoiser : IDenoiser
{
    private readonly IDenoiser[] _parts;

    public SplitDenoiser(IReadOnlyList<IDenoiser> parts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parts.Count, 2);
        _parts = [.. parts];
        SequenceLength = _parts[0].SequenceLength;
        CodebookSize = _parts[0].CodebookSize;
    }

    public int SequenceLength { get; }

    public int CodebookSize { get; }

    public int Sessions => _parts.Length;

    public unsafe void Forward(ReadOnlySpan<long> tokens, int batch, Span<float> logits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(batch);
        var parts = Math.Min(batch, _parts.Length);
        if (parts <= 1)
        {
            _parts[0].Forward(tokens, batch, logits);
            return;
        }

        long n = SequenceLength, v = CodebookSize;
        TokenRange.CheckLength(tokens.Length, batch * n, nameof(tokens));
        TokenRange.CheckLength(logits.Length, batch * n * v, nameof(logits));
        // Spans cannot cross into other threads; the buffers are pinned for the whole call, which waits for every part.
        fixed (long* tokenPointer = tokens)
        fixed (float* logitPointer = logits)
        {
            var (t, l) = ((IntPtr)tokenPointer, (IntPtr)logitPointer);
            var others = new Task[parts - 1];
            for (var p = 1; p < parts; p++)
            {
                var part = p;
                others[p - 1] = Task.Run(() => RunPart(part, parts, batch, t, l));
            }

            RunPart(0, parts, batch, t, l);
            Task.WaitAll(others);
        }
    }

    private unsafe void RunPart(int part, int parts, int batch, IntPtr tokens, IntPtr logits)
    {
        // Rows [first, first + rows): the first batch % parts parts take one row more.
        var rows = batch / parts + (part < batch % parts ? 1 : 0);
        var first = part * (batch / parts) + Math.Min(part, batch % parts);
        long n = SequenceLength, v = CodebookSize;
        var partTokens = new ReadOnlySpan<long>((long*)tokens + first * n, (int)(rows * n));
        var partLogits = new Span<float>((float*)logits + first * n * v, (int)(rows * n * v));
        _parts[part].Forward(partTokens, rows, partLogits);
    }
}
