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
    public void Fit_TallImage_CropsTheMiddleRows()
    {
        // 20×60, the thirds running down: a centre crop to a square keeps rows 20..39 only.
        var source = new RgbImage(20, 60, [.. Enumerable.Range(0, 20 * 60).SelectMany(i => i / 20 is >= 20 and < 40 ? new byte[] { 0, 255, 0 } : [255, 0, 0])]);

        var fitted = ImageFitter.Fit(source, 8, 8);

        Assert.Equal(new PixelRect(0, 20, 20, 20), fitted.Transform.Crop);
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(((byte)0, (byte)255, (byte)0), TestImages.At(fitted.Image, i % 8, i / 8)));
    }

    [Fact]
    public void Fit_SourceAlreadyAtModelSize_LeavesPixelsUnchanged()
    {
        var source = TestImages.Gradient(16, 16);

        var fitted = ImageFitter.Fit(source, 16, 16);

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
