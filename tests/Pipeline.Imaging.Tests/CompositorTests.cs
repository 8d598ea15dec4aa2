namespace Pipeline.Imaging.Tests;

public class CompositorTests
{
    private static readonly RgbImage Original = TestImages.Gradient(32, 32);
    private static readonly RgbImage Generated = TestImages.Solid(32, 32, 250, 0, 250);
    private static readonly PixelMask Square = PixelMask.FromRectangles(32, 32, [new PixelRect(10, 10, 8, 8)]);

    [Fact]
    public void Composite_PixelsBeyondTheFeather_AreExactlyTheOriginal()
    {
        var result = Compositor.Composite(Original, PlanarPixels.ToPlanar(Generated), Square, featherPixels: 3);

        for (var y = 0; y < 32; y++)
        {
            for (var x = 0; x < 32; x++)
            {
                var distance = Math.Sqrt(Sq(Gap(x, 10, 17)) + Sq(Gap(y, 10, 17)));
                if (distance >= 4)
                {
                    Assert.Equal(TestImages.At(Original, x, y), TestImages.At(result, x, y));
                }
            }
        }
    }

    [Fact]
    public void Composite_PixelsInsideTheMask_AreExactlyTheGenerated()
    {
        var result = Compositor.Composite(Original, PlanarPixels.ToPlanar(Generated), Square, featherPixels: 3);

        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(TestImages.At(Generated, 10 + (i % 8), 10 + (i / 8)), TestImages.At(result, 10 + (i % 8), 10 + (i / 8))));
    }

    [Fact]
    public void Composite_FeatherBand_BlendsTowardTheOriginalWithDistance()
    {
        var original = TestImages.Solid(32, 32, 0, 0, 0);
        var generated = TestImages.Solid(32, 32, 200, 200, 200);

        var result = Compositor.Composite(original, PlanarPixels.ToPlanar(generated), Square, featherPixels: 3);

        // Right of the square (last masked column 17): d = 1, 2, 3 → α = 3/4, 2/4, 1/4; d = 4 → original.
        Assert.Equal([200, 150, 100, 50, 0], Enumerable.Range(17, 5).Select(x => (int)TestImages.At(result, x, 12).R));
    }

    [Fact]
    public void Composite_ZeroFeather_IsAHardEdge()
    {
        var result = Compositor.Composite(Original, PlanarPixels.ToPlanar(Generated), Square, featherPixels: 0);

        Assert.Equal(TestImages.At(Original, 18, 12), TestImages.At(result, 18, 12));
        Assert.Equal(TestImages.At(Generated, 17, 12), TestImages.At(result, 17, 12));
    }

    [Fact]
    public void Composite_SizesDiffer_Throws()
    {
        Assert.Throws<ArgumentException>(() => Compositor.Composite(Original, PlanarPixels.ToPlanar(TestImages.Solid(16, 16, 0, 0, 0)), Square));
    }

    [Fact]
    public void Composite_UnclampedGeneratedValues_AreClampedAndRoundedAsPlanarPixelsWould()
    {
        var generated = new float[3 * 32 * 32];
        generated.AsSpan().Fill(1.7f);
        generated[(10 * 32) + 10] = -0.3f;          // red of pixel (10, 10)
        generated[(32 * 32) + (10 * 32) + 11] = float.NaN; // green of pixel (11, 10)
        generated[(2 * 32 * 32) + (10 * 32) + 12] = 0.5f;  // blue of pixel (12, 10)

        var result = Compositor.Composite(Original, generated, Square, featherPixels: 0);

        Assert.Equal(((byte)0, (byte)255, (byte)255), TestImages.At(result, 10, 10));
        Assert.Equal(((byte)255, (byte)0, (byte)255), TestImages.At(result, 11, 10));
        Assert.Equal(((byte)255, (byte)255, (byte)128), TestImages.At(result, 12, 10));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(result, 13, 13));
    }

    private static int Gap(int v, int lo, int hi) => v < lo ? lo - v : v > hi ? v - hi : 0;

    private static double Sq(int v) => (double)v * v;
}
