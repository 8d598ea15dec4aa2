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
