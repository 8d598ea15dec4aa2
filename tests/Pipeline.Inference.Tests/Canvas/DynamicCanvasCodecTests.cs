using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

public class DynamicCanvasCodecTests(CanvasPacks packs) : IClassFixture<CanvasPacks>
{
    [Fact]
    public void Decode_ModelSizeGrid_EqualsTheFixedGraphsDecoder()
    {
        var ids = CanvasPacks.RandomIds(64, seed: 11);
        var fixedGraph = new float[3 * 16 * 16];
        var dynamic = new float[3 * 16 * 16];

        packs.Fixed.Codec.Decode(ids, 1, fixedGraph);
        packs.DynamicCodec.Decode(ids, 8, 8, dynamic);

        Assert.InRange(fixedGraph.Zip(dynamic).Max(p => Math.Abs(p.First - p.Second)), 0, 1e-5);
    }

    [Fact]
    public void Codec_ModelSizeBatch_EqualsTheFixedGraphs()
    {
        // The pack's ordinary IVqCodec over the v2 graphs (token grid [batch, 8, 8]) against the v1 graphs ([batch, 64]).
        var ids = CanvasPacks.RandomIds(5 * 64, seed: 12);
        float[] images = [.. Enumerable.Range(0, 5).SelectMany(s => CanvasPacks.SmoothImage(16, 16, s))];
        float[] fixedPixels = new float[5 * 3 * 16 * 16], dynamicPixels = new float[fixedPixels.Length];
        long[] fixedIds = new long[5 * 64], dynamicIds = new long[5 * 64];

        packs.Fixed.Codec.Decode(ids, 5, fixedPixels);
        packs.Dynamic.Codec.Decode(ids, 5, dynamicPixels);
        packs.Fixed.Codec.Encode(images, 5, fixedIds);
        packs.Dynamic.Codec.Encode(images, 5, dynamicIds);

        Assert.InRange(fixedPixels.Zip(dynamicPixels).Max(p => Math.Abs(p.First - p.Second)), 0, 1e-5);
        Assert.Equal(fixedIds, dynamicIds);
    }

    [Fact]
    public void Decode_CanvasGolden_MatchesPyTorchAtCanvasSize()
    {
        // 9×13 tokens (neither the model's size nor a multiple of it), decoded by PyTorch at that size.
        var golden = GoldenVectors.Load(Path.Combine(CanvasPacks.V2Directory, "golden", "golden.json"));
        var ids = golden["canvas.decoder.token_ids"];
        var expected = golden["canvas.decoder.image"].Floats!;
        var pixels = new float[3 * 18 * 26];

        packs.DynamicCodec.Decode(ids.Longs, 9, 13, pixels);

        Assert.Equal([1, 9, 13], ids.Shape);
        Assert.InRange(pixels.Zip(expected).Max(p => Math.Abs(p.First - p.Second)), 0, golden.DecoderTolerance);
    }

    [Fact]
    public void Encode_CanvasGolden_GivesPyTorchsTokenIds()
    {
        var golden = GoldenVectors.Load(Path.Combine(CanvasPacks.V2Directory, "golden", "golden.json"));
        var image = golden["canvas.encoder.image"];
        var ids = new long[8 * 16];

        packs.DynamicCodec.Encode(image.Floats, 16, 32, ids);

        Assert.Equal(golden["canvas.encoder.token_ids"].Longs, ids);
    }

    [Fact]
    public void Decode_RepeatedBlock_IsCloserToTheBlockAloneAwayFromTheEdges()
    {
        // [A A]: convolutions see the same neighbourhood inside each copy, but GroupNorm statistics and the middle
        // attention block span the whole canvas, and the join replaces the zero padding A alone has at its edge. So
        // the left copy is not A exactly; the difference shrinks away from the edges and stays bounded.
        var a = CanvasPacks.RandomIds(64, seed: 13);
        var wide = Enumerable.Range(0, 8 * 16).Select(i => a[((i / 16) * 8) + (i % 8)]).ToArray();
        var alone = new float[3 * 16 * 16];
        var canvas = new float[3 * 16 * 32];
        packs.Dynamic.Codec.Decode(a, 1, alone);

        packs.DynamicCodec.Decode(wide, 8, 16, canvas);

        double MeanDiff(int marginPx) => Enumerable.Range(0, 3 * 16).SelectMany(row => Enumerable.Range(0, 16 - marginPx)
            .Select(x => Math.Abs(canvas[(row * 32) + x] - alone[(row * 16) + x]))).Average();
        var (atEdge, inside) = (MeanDiff(0), MeanDiff(8));
        Assert.True(inside < atEdge, $"mean |diff| {inside} four tokens from the join, {atEdge} up to it");
        Assert.InRange(inside, 0, 0.1);
    }

    [Fact]
    public void Encode_TwoImagesSideBySide_KeepsMostTokensOfEachImage()
    {
        // One pass normalises over both images (GroupNorm) and attends across them: tokens near decision boundaries
        // flip. Measured and bounded here; the tiled codec is the one that reproduces each image's tokens exactly.
        var a = CanvasPacks.SmoothImage(16, 16, seed: 3);
        var b = CanvasPacks.SmoothImage(16, 16, seed: 4);
        var separate = new long[2 * 64];
        packs.Dynamic.Codec.Encode([.. a, .. b], 2, separate);
        var canvas = new long[8 * 16];

        packs.DynamicCodec.Encode(CanvasPacks.SideBySide(16, 16, a, b), 16, 32, canvas);

        var same = Enumerable.Range(0, 128).Count(i =>
        {
            int row = i / 16, column = i % 16;
            return canvas[i] == (column < 8 ? separate[(row * 8) + column] : separate[64 + (row * 8) + column - 8]);
        });
        Assert.InRange(same, 1, 128);
    }

    [Theory]
    [InlineData(16, 17, "multiples of the token size 2 px")]
    [InlineData(15, 32, "multiples of the token size 2 px")]
    [InlineData(14, 32, "smaller than the model's 8×8 tokens (16×16 px)")]
    [InlineData(0, 32, "positive multiples")]
    public void Encode_BadSize_ThrowsSayingWhatIsWrong(int heightPx, int widthPx, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => packs.DynamicCodec.Encode(new float[3 * 32 * 32], heightPx, widthPx, new long[1024]));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_GridSmallerThanTheModel_OrShortBuffers_Throw()
    {
        var codec = packs.DynamicCodec;

        Assert.Contains("a canvas must be at least the model's size on each side", Assert.Throws<ArgumentException>(() => codec.Decode(new long[56], 7, 8, new float[3 * 14 * 16])).Message, StringComparison.Ordinal);
        Assert.Contains("The token id buffer holds 64 elements; this canvas needs 72", Assert.Throws<ArgumentException>(() => codec.Decode(new long[64], 8, 9, new float[3 * 16 * 18])).Message, StringComparison.Ordinal);
        Assert.Contains("never MASK", Assert.Throws<ArgumentOutOfRangeException>(() => codec.Decode(Enumerable.Repeat(32L, 72).ToArray(), 8, 9, new float[3 * 16 * 18])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_LargeCanvas_RunsInOnePass()
    {
        // 64×64 tokens (128×128 px, 64 times the model's area): the attention matrix alone is 4096² floats (64 MiB).
        var ids = CanvasPacks.RandomIds(64 * 64, seed: 14);
        var pixels = new float[3 * 128 * 128];

        packs.DynamicCodec.Decode(ids, 64, 64, pixels);

        Assert.All(pixels, p => Assert.True(float.IsFinite(p)));
    }
}
