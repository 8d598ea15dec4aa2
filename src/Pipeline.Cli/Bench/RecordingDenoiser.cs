using System.Diagnostics;
using Pipeline.Inference;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Passes forwards through and records each call's batch size and time, so the bench knows exactly which forwards the
/// engine ran (Σ over iterations of one batched call each) and can replay the same work on the raw graph.
/// The engine calls it from its one loop thread; read it only after the jobs finished.
/// </summary>
internal sealed class RecordingDenoiser(IDenoiser inner) : IDenoiser
{
    public int SequenceLength => inner.SequenceLength;

    public int CodebookSize => inner.CodebookSize;

    public List<int> Batches { get; } = [];

    public TimeSpan Elapsed { get; private set; }

    public void Forward(ReadOnlySpan<long> tokens, int batch, Span<float> logits)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Forward(tokens, batch, logits);
        Elapsed += Stopwatch.GetElapsedTime(started);
        Batches.Add(batch);
    }

    public void Reset()
    {
        Batches.Clear();
        Elapsed = TimeSpan.Zero;
    }
}
