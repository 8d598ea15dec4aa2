namespace Pipeline.Imaging.Tests;

public class ImageFitterTests
{
    [Fact]
    public void Fit_CenterCropOfAWideImage_CropsTheMiddleSquareAndSaysSo()
    {
        // 60×20: red left third, green middle, blue right; a centre crop to a square keeps only green.
        var source = Thirds(60, 20);

        var fitted = ImageFitter.Fit(source, 8, 8);

        Assert.Equal(new PixelRect(20, 0, 20, 20), fitted.Transform.Crop);
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(((byte)0, (byte)255, (byte)0), TestImages.At(fitted.Image, i % 8, i / 8)));
        Assert.Equal("center-crop 20×20 at (20,0) of 60×20, resize to 8×8", fitted.Description);
    }

    [Fact]
    public void Fit_PadOfAWideImage_AddsWhiteBarsAboveAndBelow()
    {
        var source = TestImages.Solid(40, 20, 0, 0, 0);

        var fitted = ImageFitter.Fit(source, 8, 8, FitPolicy.Pad);

        Assert.Equal(new PixelRect(0, 2, 8, 4), fitted.Transform.Placement);
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(fitted.Image, 3, 0));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(fitted.Image, 3, 7));
        Assert.Equal(((byte)0, (byte)0, (byte)0), TestImages.At(fitted.Image, 3, 4));
        Assert.Contains("pad with white", fitted.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_StretchOfAWideImage_KeepsAllThreeThirds()
    {
        var fitted = ImageFitter.Fit(Thirds(60, 20), 9, 9, FitPolicy.Stretch);

        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(fitted.Image, 0, 4));
        Assert.Equal(((byte)0, (byte)255, (byte)0), TestImages.At(fitted.Image, 4, 4));
        Assert.Equal(((byte)0, (byte)0, (byte)255), TestImages.At(fitted.Image, 8, 4));
        Assert.Equal("stretch 60×20 to 9×9", fitted.Description);
    }

    [Theory]
    [InlineData(FitPolicy.CenterCrop)]
    [InlineData(FitPolicy.Pad)]
    [InlineData(FitPolicy.Stretch)]
    public void Fit_SourceAlreadyAtModelSize_LeavesPixelsUnchanged(FitPolicy policy)
    {
        var source = TestImages.Gradient(16, 16);

        var fitted = ImageFitter.Fit(source, 16, 16, policy);

        Assert.Equal(source.Rgb, fitted.Image.Rgb);
        Assert.Equal("16×16 used as is", fitted.Description);
    }

    private static RgbImage Thirds(int width, int height)
    {
        var rgb = new byte[width * height * 3];
        for (var i = 0; i < width * height; i++)
        {
            rgb[(3 * i) + (i % width * 3 / width)] = 255;
        }

        return new RgbImage(width, height, rgb);
    }
}
