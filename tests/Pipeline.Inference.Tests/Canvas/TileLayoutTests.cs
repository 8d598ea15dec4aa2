using Pipeline.Inference.Canvas;

namespace Pipeline.Inference.Tests.Canvas;

public class TileLayoutTests
{
    public static TheoryData<int, int, int> Layouts => new()
    {
        { 8, 8, 4 }, { 9, 8, 4 }, { 13, 8, 4 }, { 16, 8, 4 }, { 24, 8, 4 }, { 24, 8, 8 }, { 20, 8, 8 }, { 31, 8, 3 }, { 64, 8, 4 }, { 10, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Create_AnyLength_CoversEveryPositionWithGapsNoLargerThanTheStride(int length, int tile, int stride)
    {
        var layout = TileLayout.Create(length, tile, stride);

        Assert.Equal(0, layout.Starts[0]);
        Assert.Equal(length - tile, layout.Starts[^1]);
        Assert.All(layout.Starts.Zip(layout.Starts.Skip(1)), pair => Assert.InRange(pair.Second - pair.First, 1, stride));
        Assert.All(Enumerable.Range(0, length), p => Assert.Contains(layout.Starts, s => s <= p && p < s + tile));
    }

    [Theory]
    [MemberData(nameof(Layouts))]
    public void BlendWeights_AtEveryPixel_SumToOneAndArePositive(int length, int tile, int stride)
    {
        const int pixelsPerToken = 3;
        var layout = TileLayout.Create(length, tile, stride);

        var weights = layout.BlendWeights(pixelsPerToken);

        var sum = new double[length * pixelsPerToken];
        for (var i = 0; i < layout.Count; i++)
        {
            Assert.Equal(tile * pixelsPerToken, weights[i].Length);
            Assert.All(weights[i], w => Assert.True(w > 0, "every tile pixel contributes"));
            for (var u = 0; u < weights[i].Length; u++)
            {
                sum[(layout.Starts[i] * pixelsPerToken) + u] += weights[i][u];
            }
        }

        Assert.All(sum, s => Assert.Equal(1.0, s, 1e-6));
    }

    [Fact]
    public void BlendWeights_TwoTilesOverlappingByHalf_CrossFadeWithoutNormalising()
    {
        // 12 tokens, tiles of 8 at 0 and 4: over the shared 4 tokens the first fades out as the second fades in, and
        // the raised-cosine ramps already sum to 1, so normalising changes nothing there.
        var layout = TileLayout.Create(12, 8, 4);

        var weights = layout.BlendWeights(pixelsPerToken: 1);

        Assert.Equal([0, 4], layout.Starts);
        Assert.All(weights[0][..4], w => Assert.Equal(1f, w));
        Assert.All(weights[1][4..], w => Assert.Equal(1f, w));
        var fadeOut = weights[0][4..];
        var fadeIn = weights[1][..4];
        Assert.True(fadeOut.Zip(fadeOut.Skip(1)).All(p => p.First > p.Second), "fading out");
        Assert.True(fadeIn.Zip(fadeIn.Skip(1)).All(p => p.First < p.Second), "fading in");
        Assert.Equal(Math.Pow(Math.Sin(Math.PI * 0.125 / 2), 2), fadeIn[0], 1e-6);
    }

    [Fact]
    public void BlendWeights_OneTile_AreAllOne()
    {
        var weights = TileLayout.Create(8, 8, 4).BlendWeights(4);

        Assert.Single(weights);
        Assert.All(weights[0], w => Assert.Equal(1f, w));
    }

    [Fact]
    public void MostCentralTile_AlignedTiles_TakeEachTokenFromItsOwnTile()
    {
        var choice = TileLayout.Create(16, 8, 8).MostCentralTile();

        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1], choice);
    }

    [Fact]
    public void MostCentralTile_OverlappingTiles_SwitchesHalfwayThroughTheOverlap()
    {
        // Tiles at 0, 4, 8 over 16 tokens: tokens 0..5 from the first (the canvas edge does not count against it),
        // 6..9 from the middle one, 10..15 from the last.
        var choice = TileLayout.Create(16, 8, 4).MostCentralTile();

        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2], choice);
    }

    [Fact]
    public void Create_StrideOutsideOneToTile_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TileLayout.Create(16, 8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => TileLayout.Create(16, 8, 9));
        Assert.Throws<ArgumentOutOfRangeException>(() => TileLayout.Create(7, 8, 4));
    }
}
