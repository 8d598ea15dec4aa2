using System.Diagnostics;
using Pipeline.Engine;

namespace Pipeline.Cli.Bench;

/// <summary>
/// Times the raw graphs with no engine around them: plain calls over buffers allocated once, all MASK (forward) or all
/// code 0 (decode). Their speed does not depend on the token values: the graphs are dense.
/// </summary>
internal sealed class RawTimer
{
    private readonly EngineModelPack _pack;
    private readonly long[] _masked;
    private readonly long[] _codes;
    private readonly float[] _logits;
    private readonly float[] _pixels;

    public RawTimer(EngineModelPack pack, int maxBatch)
    {
        _pack = pack;
        var n = pack.SequenceLength;
        _masked = new long[maxBatch * n];
        Array.Fill(_masked, pack.CodebookSize);
        _codes = new long[maxBatch * n];
        _logits = new float[(long)maxBatch * n * pack.CodebookSize];
        _pixels = new float[maxBatch * 3 * pack.ImageWidth * pack.ImageHeight];
    }

    public TimeSpan Forward(int batch)
    {
        var started = Stopwatch.GetTimestamp();
        _pack.Denoiser.Forward(_masked.AsSpan(0, batch * _pack.SequenceLength), batch, _logits);
        return Stopwatch.GetElapsedTime(started);
    }

    public TimeSpan Decode(int batch)
    {
        var started = Stopwatch.GetTimestamp();
        _pack.Codec.Decode(_codes.AsSpan(0, batch * _pack.SequenceLength), batch, _pixels);
        return Stopwatch.GetElapsedTime(started);
    }

    /// <summary>The same sequence of forward calls the engine made, back to back.</summary>
    public TimeSpan ReplayForwards(IEnumerable<int> batches) => batches.Aggregate(TimeSpan.Zero, (sum, b) => sum + Forward(b));

    public TimeSpan ReplayDecodes(IEnumerable<int> batches) => batches.Aggregate(TimeSpan.Zero, (sum, b) => sum + Decode(b));
}
