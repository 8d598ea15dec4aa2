using Pipeline.Inference;

namespace Pipeline.Engine.Tests;

/// <summary>
/// A VQ codec whose tokens are readable: position p encodes to round(red of pixel p · 255) mod V, and token k
/// decodes to the grey level k / V over its whole patch. Counts its batched calls; can hold a decode at a gate or fail one.
/// </summary>
internal sealed class FakeVqCodec(int width, int height, int latentHeight, int latentWidth, int codebookSize) : IVqCodec
{
    private int _encodeCalls;
    private int _decodeCalls;
    private int _decodesEntered;

    public int ImageWidth => width;
    public int ImageHeight => height;
    public int SequenceLength => latentHeight * latentWidth;
    public int CodebookSize => codebookSize;
    public int EncodeCalls => Volatile.Read(ref _encodeCalls);
    public int DecodeCalls => Volatile.Read(ref _decodeCalls);

    /// <summary>Decodes begun (<see cref="DecodeCalls"/> counts those that returned pixels).</summary>
    public int DecodesEntered => Volatile.Read(ref _decodesEntered);

    /// <summary>Every decode waits here; reset it to hold the decoding thread inside a decode.</summary>
    public ManualResetEventSlim DecodeGate { get; } = new(initialState: true);

    /// <summary>Runs inside each decode with its 1-based call number and batch (throw to fail that decode).</summary>
    public Action<int, int>? OnDecode { get; set; }

    public void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids)
    {
        Interlocked.Increment(ref _encodeCalls);
        var perImage = 3 * ImageWidth * ImageHeight;
        for (var b = 0; b < batch; b++)
        {
            for (var p = 0; p < SequenceLength; p++)
            {
                ids[b * SequenceLength + p] = (long)Math.Round(pixels[b * perImage + p] * 255) % CodebookSize;
            }
        }
    }

    public void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels)
    {
        var call = Interlocked.Increment(ref _decodesEntered);
        Assert.True(DecodeGate.Wait(TimeSpan.FromSeconds(30)), "the test never opened the decode gate");
        OnDecode?.Invoke(call, batch);
        var perImage = 3 * ImageWidth * ImageHeight;
        for (var b = 0; b < batch; b++)
        {
            for (var i = 0; i < perImage; i++)
            {
                var y = i / ImageWidth % ImageHeight;
                var x = i % ImageWidth;
                var token = ids[b * SequenceLength + (y * latentHeight / ImageHeight * latentWidth) + (x * latentWidth / ImageWidth)];
                pixels[b * perImage + i] = (float)token / CodebookSize;
            }
        }

        Interlocked.Increment(ref _decodeCalls);
    }
}
