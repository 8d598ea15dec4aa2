using Pipeline.Contracts;

namespace Pipeline.Imaging.Tests;

/// <summary>
/// Inpainting and variation at the source's resolution: the work region around a mask (<see cref="WorkRegion"/>), masks
/// carried between source and model pixels (<see cref="MaskFitter"/>), and the result composed back onto the whole source
/// (<see cref="SourceComposer"/>, through <see cref="ImageCodec"/>).
/// </summary>
public sealed class FullResolutionTests
{
    private static readonly ImageCodec Codec = new();

    [Fact]
    public void Around_CornerMaskOfA128x96Source_SquareRegionInsideTheImageHoldingTheMaskWithContext()
    {
        var fit = WorkRegion.Around(new PixelRect(108, 80, 16, 12), 128, 96, 32, 32);

        // Bounds grown by 8 on every side: 32×28 → the model's aspect at least 32×32, shifted inside the image.
        Assert.Equal(new PixelRect(96, 64, 32, 32), fit.Crop);
        Assert.Equal("region 96,64 32×32 of 128×96 -> 32×32", fit.Description);
        Assert.False(fit.IsCentred);
    }

    [Fact]
    public void Around_LargeMask_GrowsToTheLargestRegionAndNoFurther()
    {
        var fit = WorkRegion.Around(new PixelRect(10, 10, 60, 40), 128, 96, 32, 32);

        Assert.Equal(new PixelRect(0, 0, 96, 96), fit.Crop);
    }

    [Fact]
    public void Around_WideModel_KeepsTheModelAspectExactly()
    {
        var fit = WorkRegion.Around(new PixelRect(200, 50, 10, 10), 400, 300, 48, 32);

        Assert.Equal(fit.Crop.Width * 32, fit.Crop.Height * 48);
        Assert.InRange(fit.Crop.Width, 48, 400);
        Assert.True(fit.Crop.X <= 200 && fit.Crop.X + fit.Crop.Width >= 210 && fit.Crop.Y <= 50 && fit.Crop.Y + fit.Crop.Height >= 60);
    }

    [Fact]
    public void Around_ModelSizeSource_IsTheWholeImage()
    {
        var fit = WorkRegion.Around(new PixelRect(3, 3, 2, 2), 32, 32, 32, 32);

        Assert.True(fit.IsIdentity);
    }

    [Fact]
    public void Around_MaskWiderThanTheLargestRegion_MaskInvalidSayingHowToSplit()
    {
        var e = Assert.Throws<ImageInputException>(() => WorkRegion.Around(new PixelRect(0, 10, 120, 10), 128, 96, 32, 32));

        Assert.Equal(ContractErrorCodes.MaskInvalid, e.Code);
        Assert.Contains("96×96", e.Message, StringComparison.Ordinal);
        Assert.Contains("Split", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RasterizeMask_SpreadWiderThanTheLargestRegion_MaskInvalidNamingTheInputAndHowToSplit()
    {
        var source = Codec.DecodeAndFit(PngWriter.Encode(TestImages.Gradient(128, 96)), 32, 32);

        var e = Assert.Throws<ImageInputException>(() => Codec.RasterizeMask(
            [new MaskRectangle { X = 0, Y = 0, Width = 4, Height = 4 }, new MaskRectangle { X = 124, Y = 0, Width = 4, Height = 4 }], source));

        Assert.Equal(ContractErrorCodes.MaskInvalid, e.Code);
        Assert.StartsWith("mask rectangles: The masked pixels span 128×4", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Mark at least one pixel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RasterizeMask_CornerOutsideTheCentredFit_WorksInARegionAroundIt()
    {
        // 128×96: the centred fit is 96×96 at (16,0); the rectangle lies wholly left of it.
        var source = Codec.DecodeAndFit(PngWriter.Encode(TestImages.Gradient(128, 96)), 32, 32);

        var masked = Codec.RasterizeMask([new MaskRectangle { X = 0, Y = 80, Width = 12, Height = 16 }], source);

        Assert.StartsWith("region ", masked.Work.Description, StringComparison.Ordinal);
        Assert.Equal((32, 32), (masked.Work.Image.Width, masked.Work.Image.Height));
        Assert.Equal((128, 96, 192), (masked.SourceMask.Width, masked.SourceMask.Height, masked.SourceMask.Count));
        Assert.True(masked.Mask.Count > 0);
        Assert.Same(source.Original, masked.Work.Original);
    }

    [Fact]
    public void DecodeMask_ModelSizeMaskOfALargerSource_TakenInTheCentredFitAndCarriedUp()
    {
        var source = Codec.DecodeAndFit(PngWriter.Encode(TestImages.Gradient(128, 96)), 32, 32);
        var maskPng = TestImages.Png(32, 32, (x, y) => x < 4 && y < 4 ? new(255, 255, 255, 255) : new(0, 0, 0, 255));

        var masked = Codec.DecodeMask(maskPng, source);

        // Model pixels 0..3 of the 96×96 fit at (16,0): source pixels 16..27 × 0..11.
        Assert.Equal(new PixelRect(16, 0, 12, 12), masked.SourceMask.Bounds());
    }

    [Fact]
    public void DecodeMask_WrongSize_StillMaskSizeMismatch()
    {
        var source = Codec.DecodeAndFit(PngWriter.Encode(TestImages.Gradient(128, 96)), 32, 32);
        var maskPng = TestImages.Png(20, 20, (_, _) => new(255, 255, 255, 255));

        Assert.Equal(ContractErrorCodes.MaskSizeMismatch, Assert.Throws<ImageInputException>(() => Codec.DecodeMask(maskPng, source)).Code);
    }

    [Fact]
    public void Composite_CornerMaskOf128x96_SourceSizeOutOnlyTheFeatheredMaskChanged()
    {
        var original = TestImages.Gradient(128, 96);
        var source = Codec.DecodeAndFit(PngWriter.Encode(original), 32, 32);
        var rectangle = new PixelRect(0, 80, 12, 16);
        var masked = Codec.RasterizeMask([new MaskRectangle { X = rectangle.X, Y = rectangle.Y, Width = rectangle.Width, Height = rectangle.Height }], source);
        var generated = PlanarPixels.ToPlanar(TestImages.Solid(32, 32, 250, 0, 250));

        var result = Codec.Composite(masked.Work, generated, masked.SourceMask, featherPixels: 2);

        Assert.Equal((128, 96), (result.Width, result.Height));
        var band = 2.0 * masked.Work.Transform.Crop.Width / 32;
        for (var y = 0; y < 96; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                var distance = Distance(x, y, rectangle);
                if (distance == 0)
                {
                    Assert.Equal((250, 0, 250), TestImages.At(result, x, y));
                }
                else if (distance >= band + 1)
                {
                    Assert.Equal(TestImages.At(original, x, y), TestImages.At(result, x, y));
                }
            }
        }

        // The band is blended, not cut: a pixel just outside the mask lies between the two.
        Assert.NotEqual(TestImages.At(original, 12, 85), TestImages.At(result, 12, 85));
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(2f)]
    [InlineData(3.5f)]
    public void Composite_ModelSizeSource_ByteIdenticalToTheModelSizeCompositor(float feather)
    {
        var original = TestImages.Gradient(32, 32);
        var source = Codec.DecodeAndFit(PngWriter.Encode(original), 32, 32);
        var maskPng = TestImages.Png(32, 32, (x, y) => (x - 20) * (x - 20) + ((y - 9) * (y - 9)) < 30 || (x == 3 && y > 20) ? new(255, 255, 255, 255) : new(0, 0, 0, 255));
        var masked = Codec.DecodeMask(maskPng, source);
        var generated = new float[3 * 32 * 32];
        for (var i = 0; i < generated.Length; i++)
        {
            generated[i] = (float)(((i * 37) % 101) / 90.0) - 0.05f; // unclamped, as a decoder gives
        }

        var result = Codec.Composite(masked.Work, generated, masked.SourceMask, feather);

        Assert.True(masked.Work.Transform.IsIdentity);
        Assert.Same(masked.Mask, masked.SourceMask);
        Assert.Equal(PngWriter.Encode(Compositor.Composite(source.Image, generated, masked.Mask, feather)), PngWriter.Encode(result));
    }

    [Fact]
    public void Composite_VariationFootprintOf100x60_OutsideTheFootprintAndTheFitIsTheSource()
    {
        var original = TestImages.Gradient(100, 60);
        var source = Codec.DecodeAndFit(PngWriter.Encode(original), 32, 32);
        var tokens = new bool[64];
        (tokens[0], tokens[27], tokens[63]) = (true, true, true);
        var footprint = MaskFitter.Lift(MaskFitter.FromTokens(tokens, 8, 8, 32, 32), source.Transform);
        var generated = PlanarPixels.ToPlanar(TestImages.Solid(32, 32, 250, 0, 250));

        var result = Codec.Composite(source, generated, footprint, featherPixels: 0);

        Assert.Equal((100, 60), (result.Width, result.Height));
        Assert.Equal(new PixelRect(20, 0, 60, 60), source.Transform.Crop);
        for (var y = 0; y < 60; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                var expected = footprint[x, y] ? ((byte)250, (byte)0, (byte)250) : TestImages.At(original, x, y);
                Assert.Equal(expected, TestImages.At(result, x, y));
            }
        }

        // Token 0 covers model pixels 0..3 → source pixels 20..27 (x), 0..7 (y) of the fit at (20,0) (60/32 per model pixel).
        Assert.True(footprint[20, 0] && footprint[27, 7] && !footprint[19, 0] && !footprint[28, 0]);
    }

    [Fact]
    public void FromTokens_PatchesAsTheTokenMaskPoolsThem()
    {
        var tokens = new bool[16];
        tokens[5] = true; // row 1, column 1 of 4×4 over 8×8: pixels 2..3 × 2..3

        var mask = MaskFitter.FromTokens(tokens, 4, 4, 8, 8);

        Assert.Equal(new PixelRect(2, 2, 2, 2), mask.Bounds());
        Assert.Equal(4, mask.Count);
    }

    [Fact]
    public void Bounds_EmptyMask_Null() =>
        Assert.Null(new PixelMask(4, 4, new bool[16]).Bounds());

    [Fact]
    public void Composite_SameInputsTwice_SamePng()
    {
        var source = Codec.DecodeAndFit(PngWriter.Encode(TestImages.Gradient(128, 96)), 32, 32);
        var masked = Codec.RasterizeMask([new MaskRectangle { X = 100, Y = 5, Width = 20, Height = 20 }], source);
        var generated = PlanarPixels.ToPlanar(TestImages.Gradient(32, 32));

        Assert.Equal(
            PngWriter.Encode(Codec.Composite(masked.Work, generated, masked.SourceMask, 2)),
            PngWriter.Encode(Codec.Composite(masked.Work, generated, masked.SourceMask, 2)));
    }

    private static double Distance(int x, int y, PixelRect r)
    {
        double dx = x < r.X ? r.X - x : x >= r.X + r.Width ? x - (r.X + r.Width - 1) : 0;
        double dy = y < r.Y ? r.Y - y : y >= r.Y + r.Height ? y - (r.Y + r.Height - 1) : 0;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }
}
