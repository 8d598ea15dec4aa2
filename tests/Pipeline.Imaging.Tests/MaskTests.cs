using SixLabors.ImageSharp.PixelFormats;

namespace Pipeline.Imaging.Tests;

public class MaskTests
{
    [Fact]
    public void FromRectangles_UnionClippedToTheImage()
    {
        var mask = PixelMask.FromRectangles(6, 4, [new PixelRect(0, 0, 2, 2), new PixelRect(4, 2, 10, 10)]);

        Assert.Equal(4 + 4, mask.Count);
        Assert.True(mask[1, 1]);
        Assert.True(mask[5, 3]);
        Assert.False(mask[2, 2]);
    }

    [Theory]
    [InlineData(0, 0, 0, 3)]
    [InlineData(10, 10, 2, 2)]
    [InlineData(-5, 0, 3, 3)]
    public void FromRectangles_EmptyOrOutside_ThrowsMaskInvalid(int x, int y, int w, int h)
    {
        var e = Assert.Throws<ImageInputException>(() => PixelMask.FromRectangles(6, 4, [new PixelRect(x, y, w, h)]));
        var fromBounds = Assert.Throws<ImageInputException>(() => PixelMask.BoundsOfRectangles(6, 4, [new PixelRect(x, y, w, h)]));

        Assert.Equal(ContractErrorCodes.MaskInvalid, e.Code);
        Assert.Equal(e.Message, fromBounds.Message);
    }

    [Fact]
    public void BoundsOfRectangles_EqualsTheBoundsOfTheRasterisedMask()
    {
        PixelRect[] rectangles = [new PixelRect(1, 0, 2, 2), new PixelRect(4, 2, 10, 10), new PixelRect(-3, 1, 5, 1)];

        var bounds = PixelMask.BoundsOfRectangles(6, 4, rectangles);

        Assert.Equal(PixelMask.FromRectangles(6, 4, rectangles).Bounds(), bounds);
        Assert.Equal(new PixelRect(0, 0, 6, 4), bounds);
    }

    [Fact]
    public void Read_WhiteIsSetBlackAndTransparentAreNot()
    {
        var png = TestImages.Png(3, 1, (x, _) => x switch
        {
            0 => new Rgba32(255, 255, 255, 255),
            1 => new Rgba32(0, 0, 0, 255),
            _ => new Rgba32(255, 255, 255, 0),
        });

        var mask = MaskReader.Read(png);

        Assert.Equal([true, false, false], mask.Values);
    }

    [Fact]
    public void Read_Garbage_ThrowsUndecodable()
    {
        var e = Assert.Throws<ImageInputException>(() => MaskReader.Read([1, 2, 3, 4, 5, 6, 7, 8, 9]));

        Assert.Equal(ContractErrorCodes.ImageUndecodable, e.Code);
        Assert.Contains("mask", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_MaskOfTheWrongSize_ThrowsNamingBothAllowedSizes()
    {
        var fit = FitTransform.Create(64, 48, 16, 16);
        var mask = PixelMask.FromRectangles(30, 30, [new PixelRect(0, 0, 5, 5)]);

        var e = Assert.Throws<ImageInputException>(() => MaskFitter.ToModel(mask, fit));

        Assert.Equal(ContractErrorCodes.MaskSizeMismatch, e.Code);
        Assert.Contains("30×30", e.Message, StringComparison.Ordinal);
        Assert.Contains("64×48", e.Message, StringComparison.Ordinal);
        Assert.Contains("16×16", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToModel_MaskOfTheModelSize_IsUsedAsIs()
    {
        var fit = FitTransform.Create(64, 48, 16, 16);
        var mask = PixelMask.FromRectangles(16, 16, [new PixelRect(3, 3, 2, 2)]);

        Assert.Same(mask, MaskFitter.ToModel(mask, fit));
    }

    [Fact]
    public void ToModel_MaskOfTheSourceSize_FollowsTheImagesCrop()
    {
        // 64×48 centre-cropped to 48×48 at x = 8, then halved to 24×24. Marking source columns 8..9 (the crop's
        // left edge) must mark the fitted image's column 0, and nothing in the cropped-away margin survives.
        var fit = FitTransform.Create(64, 48, 24, 24);
        var mask = PixelMask.FromRectangles(64, 48, [new PixelRect(0, 0, 8, 48), new PixelRect(8, 0, 2, 48)]);

        var fitted = MaskFitter.ToModel(mask, fit);

        Assert.All(Enumerable.Range(0, 24), y => Assert.True(fitted[0, y]));
        Assert.Equal(24, fitted.Count);
    }

    [Fact]
    public void ToModel_OnePixelStrokeShrunkEightfold_IsNotLost()
    {
        var fit = FitTransform.Create(256, 256, 32, 32);
        var mask = PixelMask.FromRectangles(256, 256, [new PixelRect(0, 101, 256, 1)]);

        var fitted = MaskFitter.ToModel(mask, fit);

        Assert.Equal(32, fitted.Count);
        Assert.True(fitted[0, 101 / 8]);
    }

    [Fact]
    public void ToModel_MaskThatSelectsNothing_ThrowsMaskInvalid()
    {
        var fit = FitTransform.Create(16, 16, 16, 16);

        var e = Assert.Throws<ImageInputException>(() => MaskFitter.ToModel(new PixelMask(16, 16, new bool[256]), fit));

        Assert.Equal(ContractErrorCodes.MaskInvalid, e.Code);
    }
}
