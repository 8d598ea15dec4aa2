using Pipeline.Inference.Canvas;

namespace Pipeline.Engine.Tests;

/// <summary>
/// The canvas counterpart of <see cref="FakeVqCodec"/>: a token is its patch's top-left red byte mod V, and decoding
/// paints every pixel of a patch with token / V, so tests can read a canvas's tokens off its pixels and back.
/// </summary>
internal sealed class FakeCanvasCodec(int tokenSize, int gridHeight, int gridWidth, int codebookSize) : ICanvasCodec
{
    private int _encodeCalls;
    private int _decodeCalls;

    public int TokenSize => tokenSize;
    public int ModelGridHeight => gridHeight;
    public int ModelGridWidth => gridWidth;
    public CanvasCodecMode Mode => CanvasCodecMode.Dynamic;
    public int EncodeCalls => Volatile.Read(ref _encodeCalls);
    public int DecodeCalls => Volatile.Read(ref _decodeCalls);

    public void Encode(ReadOnlySpan<float> pixels, int heightPx, int widthPx, Span<long> ids)
    {
        Interlocked.Increment(ref _encodeCalls);
        var (gh, gw) = (heightPx / tokenSize, widthPx / tokenSize);
        for (var r = 0; r < gh; r++)
        {
            for (var c = 0; c < gw; c++)
            {
                ids[(r * gw) + c] = (long)Math.Round(pixels[(r * tokenSize * widthPx) + (c * tokenSize)] * 255) % codebookSize;
            }
        }
    }

    public void Decode(ReadOnlySpan<long> ids, int gh, int gw, Span<float> pixels)
    {
        Interlocked.Increment(ref _decodeCalls);
        var (h, w) = (gh * tokenSize, gw * tokenSize);
        for (var ch = 0; ch < 3; ch++)
        {
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                {
                    var id = ids[((y / tokenSize) * gw) + (x / tokenSize)];
                    Assert.InRange(id, 0, codebookSize - 1);
                    pixels[(ch * h * w) + (y * w) + x] = (float)id / codebookSize;
                }
            }
        }
    }
}
