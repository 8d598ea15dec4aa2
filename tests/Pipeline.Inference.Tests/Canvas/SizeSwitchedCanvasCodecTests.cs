using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

/// <summary>
/// <see cref="CanvasCodecs.For"/> with a one-pass limit: canvases up to the limit (in tokens) go through the one-pass
/// codec, larger ones through the tiled codec, shown by their outputs being exactly those codecs' own.
/// </summary>
public class SizeSwitchedCanvasCodecTests(CanvasPacks packs) : IClassFixture<CanvasPacks>
{
    // The tiny pack: 2 px tokens, model grid 8×8. Limit 128 tokens: an 8×16 grid is one pass, 8×24 and 16×16 are tiled.
    private const int Limit = 128;

    [Theory]
    [InlineData(8, 8, CanvasCodecMode.Dynamic)]
    [InlineData(8, 16, CanvasCodecMode.Dynamic)]
    [InlineData(16, 8, CanvasCodecMode.Dynamic)]
    [InlineData(8, 24, CanvasCodecMode.Tiled)]
    [InlineData(16, 16, CanvasCodecMode.Tiled)]
    public void Decode_AtEachSize_IsExactlyTheChosenCodecs(int gridHeight, int gridWidth, CanvasCodecMode expected)
    {
        var codec = CanvasCodecs.For(packs.Dynamic, onePassMaxTokens: Limit);
        var ids = CanvasPacks.RandomIds(gridHeight * gridWidth, seed: gridHeight * 100 + gridWidth);
        var pixels = new float[3 * gridHeight * 2 * gridWidth * 2];
        var onePass = new float[pixels.Length];
        var tiled = new float[pixels.Length];

        codec.Decode(ids, gridHeight, gridWidth, pixels);
        CanvasCodecs.For(packs.Dynamic, CanvasCodecMode.Dynamic).Decode(ids, gridHeight, gridWidth, onePass);
        CanvasCodecs.For(packs.Dynamic, CanvasCodecMode.Tiled).Decode(ids, gridHeight, gridWidth, tiled);

        Assert.Equal(expected, codec.ModeFor(gridHeight, gridWidth));
        Assert.Equal(expected == CanvasCodecMode.Dynamic ? onePass : tiled, pixels);
        if (gridHeight * gridWidth > 64)
        {
            Assert.NotEqual(onePass, tiled); // the two differ on a canvas, so the equality above tells them apart
        }
    }

    [Theory]
    [InlineData(16, 32, CanvasCodecMode.Dynamic)] // 8×16 tokens
    [InlineData(32, 32, CanvasCodecMode.Tiled)]   // 16×16 tokens
    public void Encode_AtEachSize_IsTheChosenCodecs(int heightPx, int widthPx, CanvasCodecMode expected)
    {
        var codec = CanvasCodecs.For(packs.Dynamic, onePassMaxTokens: Limit);
        var image = CanvasPacks.SmoothImage(heightPx, widthPx, seed: 5);
        var count = heightPx / 2 * (widthPx / 2);
        long[] ids = new long[count], chosen = new long[count];

        codec.Encode(image, heightPx, widthPx, ids);
        CanvasCodecs.For(packs.Dynamic, expected).Encode(image, heightPx, widthPx, chosen);

        Assert.Equal(chosen, ids);
    }

    [Fact]
    public void Limit_OnAFixedPackOrWithAForcedMode_ChangesNothing()
    {
        Assert.Equal(CanvasCodecMode.Tiled, CanvasCodecs.For(packs.Fixed, onePassMaxTokens: Limit).ModeFor(8, 8));
        Assert.Equal(CanvasCodecMode.Dynamic, CanvasCodecs.For(packs.Dynamic, CanvasCodecMode.Dynamic, onePassMaxTokens: Limit).ModeFor(64, 64));
        Assert.Equal(CanvasCodecMode.Dynamic, CanvasCodecs.For(packs.Dynamic).ModeFor(64, 64)); // no limit: one pass at every size
        Assert.Equal(CanvasCodecMode.Tiled, CanvasCodecs.For(packs.Dynamic, onePassMaxTokens: 0).ModeFor(8, 8));
    }

    [Fact]
    public void Decode_BadGrid_StillSaysWhatIsWrong()
    {
        var codec = CanvasCodecs.For(packs.Dynamic, onePassMaxTokens: Limit);

        Assert.Throws<ArgumentException>(() => codec.Decode(new long[4 * 4], 4, 4, new float[3 * 8 * 8]));
        Assert.Throws<ArgumentException>(() => codec.Encode(new float[3 * 17 * 32], 17, 32, new long[8 * 16]));
    }
}
