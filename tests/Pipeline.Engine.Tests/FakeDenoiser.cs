using System.Collections.Concurrent;
using Pipeline.Inference;

namespace Pipeline.Engine.Tests;

/// <summary>
/// A deterministic denoiser: each row's logits are a hash of that row's tokens alone (<see cref="FakeLogits"/>), so a
/// job's output can only depend on batch composition if the engine mixes rows up. Records every call; can hold a call at a gate.
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
            FakeLogits.Fill(tokens.Slice(row * SequenceLength, SequenceLength), CodebookSize,
                logits.Slice(row * SequenceLength * CodebookSize, SequenceLength * CodebookSize));
        }

        Interlocked.Increment(ref _calls);
    }
}
