namespace Pipeline.Imaging.Tests;

public class PlanarPixelsTests
{
    [Fact]
    public void ToPlanar_ThenFromPlanar_ReturnsTheSameBytes()
    {
        var image = TestImages.Gradient(13, 7);

        var back = PlanarPixels.FromPlanar(PlanarPixels.ToPlanar(image), 13, 7);

        Assert.Equal(image.Rgb, back.Rgb);
    }

    [Fact]
    public void ToPlanar_WritesChannelPlanesInZeroToOne()
    {
        var image = new RgbImage(2, 1, [255, 0, 51, 0, 102, 255]);

        var planar = PlanarPixels.ToPlanar(image);

        Assert.Equal([1f, 0f, 0f, 0.4f, 0.2f, 1f], planar);
    }

    [Fact]
    public void FromPlanar_OutOfRangeAndNaN_ClampsAndRoundsToNearestLevel()
    {
        float[] planar = [-0.5f, 1.7f, float.NaN, 0.5f, 0.4f / 255, 0.6f / 255];

        var image = PlanarPixels.FromPlanar(planar, 2, 1);

        // Pixel 0 = (R[0], G[0], B[0]) = (-0.5, NaN, 0.4/255); pixel 1 = (1.7, 0.5, 0.6/255).
        Assert.Equal([0, 0, 0, 255, 128, 1], image.Rgb);
    }

    [Fact]
    public void ToPlanar_DestinationTooSmall_Throws()
    {
        Assert.Throws<ArgumentException>(() => PlanarPixels.ToPlanar(TestImages.Gradient(4, 4), new float[47]));
    }
}
