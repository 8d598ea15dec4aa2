using System.Collections.Concurrent;
using Pipeline.Inference;

namespace Pipeline.Engine.Tests;

/// <summary>
/// A deterministic denoiser: each row's logits are a hash of that row's tokens alone, so a job's output can only
/// depend on batch composition if the engine mixes rows up. Records every call; can hold a call at a gate.
/// </summary>
internal sealed class FakeDenoiser(int sequenceLength, int codebookSize) : IDenoiser
{
    private int _calls;
    private int _entered;

    public int SequenceLength { get; } = sequenceLength;
    public int CodebookSize { get; } = codebookSize;
    public int Calls => Volatile.Read(ref _calls);
    public int Entered => Volatile.Read(ref _entered);
    public ConcurrentQueue<int> BatchSizes { get; } = new();

    /// <summary>Every forward waits here; reset it to hold the loop inside a forward.</summary>
    public ManualResetEventSlim Gate { get; } = new(initialState: true);

    /// <summary>Runs inside each forward with its 1-based call number.</summary>
    public Action<int>? OnForward { get; set; }

    public void Forward(ReadOnlySpan<long> tokens, int batch, Span<float> logits)
    {
        var call = Interlocked.Increment(ref _entered);
        Assert.True(Gate.Wait(TimeSpan.FromSeconds(30)), "the test never opened the denoiser gate");
        OnForward?.Invoke(call);
        BatchSizes.Enqueue(batch);
        Assert.Equal(batch * SequenceLength, tokens.Length);
        for (var row = 0; row < batch; row++)
        {
            Fill(tokens.Slice(row * SequenceLength, SequenceLength), CodebookSize,
                logits.Slice(row * SequenceLength * CodebookSize, SequenceLength * CodebookSize));
        }

        Interlocked.Increment(ref _calls);
    }

    public static void Fill(ReadOnlySpan<long> row, int codebookSize, Span<float> logits)
    {
        var rowHash = 0xCBF29CE484222325UL;
        foreach (var token in row)
        {
            rowHash = (rowHash ^ (ulong)token) * 0x100000001B3UL;
        }

        for (var p = 0; p < row.Length; p++)
        {
            for (var v = 0; v < codebookSize; v++)
            {
                var h = Mix(rowHash ^ Mix(((ulong)p << 32) | (uint)v));
                logits[p * codebookSize + v] = (float)((h >> 40) / (double)(1UL << 24) * 6.0 - 3.0);
            }
        }
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
