using System.Diagnostics;
using Pipeline.Inference;

namespace Pipeline.Cli.Bench;

/// <summary>As <see cref="RecordingDenoiser"/>, for the VQGAN encoder and decoder calls.</summary>
internal sealed class RecordingCodec(IVqCodec inner) : IVqCodec
{
    public int ImageWidth => inner.ImageWidth;

    public int ImageHeight => inner.ImageHeight;

    public int SequenceLength => inner.SequenceLength;

    public int CodebookSize => inner.CodebookSize;

    public List<int> DecodeBatches { get; } = [];

    public TimeSpan DecodeElapsed { get; private set; }

    public TimeSpan EncodeElapsed { get; private set; }

    public void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Encode(pixels, batch, ids);
        EncodeElapsed += Stopwatch.GetElapsedTime(started);
    }

    public void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels)
    {
        var started = Stopwatch.GetTimestamp();
        inner.Decode(ids, batch, pixels);
        DecodeElapsed += Stopwatch.GetElapsedTime(started);
        DecodeBatches.Add(batch);
    }

    public void Reset()
    {
        DecodeBatches.Clear();
        DecodeElapsed = TimeSpan.Zero;
        EncodeElapsed = TimeSpan.Zero;
    }
}
