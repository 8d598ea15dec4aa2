namespace Pipeline.Imaging.Tests;

public class OutputTests
{
    [Fact]
    public void PngWriter_Encode_DecodesBackToTheSamePixels()
    {
        var image = TestImages.Gradient(20, 10);

        var back = ImageReader.Read(PngWriter.Encode(image));

        Assert.Equal(image.Rgb, back.Rgb);
    }

    [Theory]
    [InlineData(1023, 1024)] // just below the fast-compression threshold
    [InlineData(1024, 1024)] // at it: compressed at a faster level, still lossless
    public void PngWriter_Encode_LargeImage_DecodesBackToTheSamePixels(int width, int height)
    {
        Assert.Equal(1024 * 1024, PngWriter.FastCompressionFromPixels);
        var image = TestImages.Gradient(width, height);

        var back = ImageReader.Read(PngWriter.Encode(image));

        Assert.Equal((width, height), (back.Width, back.Height));
        Assert.Equal(image.Rgb, back.Rgb);
    }

    [Fact]
    public void ContactSheet_Compose_PlacesImagesInAPaddedGrid()
    {
        var red = TestImages.Solid(4, 4, 255, 0, 0);
        var blue = TestImages.Solid(4, 4, 0, 0, 255);

        var sheet = ContactSheet.Compose([red, blue, red], columns: 2, padding: 1);

        Assert.Equal((11, 11), (sheet.Width, sheet.Height));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(sheet, 0, 0));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(sheet, 1, 1));
        Assert.Equal(((byte)0, (byte)0, (byte)255), TestImages.At(sheet, 6, 1));
        Assert.Equal(((byte)255, (byte)0, (byte)0), TestImages.At(sheet, 1, 6));
        Assert.Equal(((byte)255, (byte)255, (byte)255), TestImages.At(sheet, 6, 6));
    }
}
