using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

public class TiledCanvasCodecTests(CanvasPacks packs) : IClassFixture<CanvasPacks>
{
    [Fact]
    public void Decode_ModelSizeGrid_IsExactlyThePlainDecode()
    {
        var ids = CanvasPacks.RandomIds(64, seed: 1);
        var plain = new float[3 * 16 * 16];
        var tiled = new float[3 * 16 * 16];

        packs.Fixed.Codec.Decode(ids, 1, plain);
        packs.TiledCodec.Decode(ids, 8, 8, tiled);

        Assert.Equal(plain, tiled);
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(8, 20)]
    [InlineData(13, 9)]
    [InlineData(24, 40)]
    public void Decode_ConstantTiles_CoversEveryPixelWithWeightsSummingToOne(int gridHeight, int gridWidth)
    {
        // Every tile decodes to 1.0 everywhere: the canvas is 1.0 wherever the blend weights of the tiles covering a
        // pixel sum to 1, and 0 at any pixel no tile covers.
        var codec = new TiledCanvasCodec(new ConstantCodec(1f), tokenSize: 4, modelGridHeight: 8, modelGridWidth: 8, new CanvasTiling(TilesPerCall: 3));
        var pixels = new float[3 * gridHeight * 4 * gridWidth * 4];

        codec.Decode(new long[gridHeight * gridWidth], gridHeight, gridWidth, pixels);

        Assert.All(pixels, p => Assert.Equal(1f, p, 1e-6f));
    }

    [Fact]
    public void Decode_WideGrid_MatchesEachTileAwayFromTheOverlaps()
    {
        // 8×12 tokens with tiles of 8 at columns 0 and 4: columns 0..3 come from the first tile alone, 8..11 from the second.
        var ids = CanvasPacks.RandomIds(8 * 12, seed: 2);
        var canvas = new float[3 * 16 * 24];
        packs.TiledCodec.Decode(ids, 8, 12, canvas);
        var left = Decode(Crop(ids, 12, 0));
        var right = Decode(Crop(ids, 12, 4));

        for (var c = 0; c < 3; c++)
        {
            for (var y = 0; y < 16; y++)
            {
                for (var x = 0; x < 8; x++)
                {
                    Assert.Equal(left[(((c * 16) + y) * 16) + x], canvas[(((c * 16) + y) * 24) + x]);
                    Assert.Equal(right[(((c * 16) + y) * 16) + 8 + x], canvas[(((c * 16) + y) * 24) + 16 + x]);
                }
            }
        }
    }

    [Fact]
    public void Encode_TwoModelSizeImagesSideBySide_GivesExactlyEachImagesOwnTokens()
    {
        var a = CanvasPacks.SmoothImage(16, 16, seed: 3);
        var b = CanvasPacks.SmoothImage(16, 16, seed: 4);
        var separate = new long[2 * 64];
        packs.Fixed.Codec.Encode([.. a, .. b], 2, separate);
        var canvas = new long[8 * 16];

        packs.TiledCodec.Encode(CanvasPacks.SideBySide(16, 16, a, b), 16, 32, canvas);

        for (var row = 0; row < 8; row++)
        {
            Assert.Equal(separate.AsSpan(row * 8, 8).ToArray(), canvas.AsSpan(row * 16, 8).ToArray());
            Assert.Equal(separate.AsSpan(64 + (row * 8), 8).ToArray(), canvas.AsSpan((row * 16) + 8, 8).ToArray());
        }
    }

    [Fact]
    public void Encode_ModelSizeImage_IsExactlyThePlainEncode()
    {
        var image = CanvasPacks.SmoothImage(16, 16, seed: 5);
        var plain = new long[64];
        var tiled = new long[64];

        packs.Fixed.Codec.Encode(image, 1, plain);
        packs.TiledCodec.Encode(image, 16, 16, tiled);

        Assert.Equal(plain, tiled);
    }

    [Fact]
    public void Encode_CanvasNotAWholeNumberOfTiles_FillsEveryTokenFromSomeTile()
    {
        var image = CanvasPacks.SmoothImage(22, 38, seed: 6);
        var ids = new long[11 * 19];
        Array.Fill(ids, -1);

        packs.TiledCodec.Encode(image, 22, 38, ids);

        Assert.All(ids, id => Assert.InRange(id, 0, 31));
    }

    [Fact]
    public void Decode_MaskTokenOrBadSizes_ThrowsSayingWhat()
    {
        var codec = packs.TiledCodec;
        var ids = new long[8 * 10];
        ids[5] = 32;

        Assert.Contains("never MASK", Assert.Throws<ArgumentOutOfRangeException>(() => codec.Decode(ids, 8, 10, new float[3 * 16 * 20])).Message, StringComparison.Ordinal);
        Assert.Contains("smaller than the model's 8×8 tokens", Assert.Throws<ArgumentException>(() => codec.Decode(new long[64], 8, 7, new float[3 * 16 * 14])).Message, StringComparison.Ordinal);
        Assert.Contains("The pixel buffer holds 100 elements; this canvas needs 960", Assert.Throws<ArgumentException>(() => codec.Decode(new long[80], 8, 10, new float[100])).Message, StringComparison.Ordinal);
        Assert.Contains("multiples of the token size 2 px", Assert.Throws<ArgumentException>(() => codec.Encode(new float[3 * 16 * 17], 16, 17, new long[100])).Message, StringComparison.Ordinal);
        Assert.Contains("smaller than the model's", Assert.Throws<ArgumentException>(() => codec.Encode(new float[3 * 14 * 16], 14, 16, new long[100])).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_LargeCanvas_UsesBoundedTileBatches()
    {
        // 128×128 tokens (256×256 px, 256 times the model's area): 31×31 tiles, decoded 16 at a time.
        var ids = CanvasPacks.RandomIds(128 * 128, seed: 7);
        var pixels = new float[3 * 256 * 256];

        packs.TiledCodec.Decode(ids, 128, 128, pixels);

        Assert.All(pixels, p => Assert.True(float.IsFinite(p)));
    }

    private float[] Decode(long[] ids)
    {
        var pixels = new float[3 * 16 * 16];
        packs.Fixed.Codec.Decode(ids, 1, pixels);
        return pixels;
    }

    private static long[] Crop(long[] ids, int gridWidth, int left) =>
        [.. Enumerable.Range(0, 8).SelectMany(r => ids.AsSpan((r * gridWidth) + left, 8).ToArray())];

    /// <summary>A model-size codec of 8×8 tokens, 4 px each, whose decoder paints every pixel with one value.</summary>
    private sealed class ConstantCodec(float value) : IVqCodec
    {
        public int ImageWidth => 32;

        public int ImageHeight => 32;

        public int SequenceLength => 64;

        public int CodebookSize => 16;

        public void Encode(ReadOnlySpan<float> pixels, int batch, Span<long> ids) => ids[..(batch * 64)].Clear();

        public void Decode(ReadOnlySpan<long> ids, int batch, Span<float> pixels) => pixels[..(batch * 3 * 32 * 32)].Fill(value);
    }
}
