using Pipeline.Contracts;
using Pipeline.Imaging;
using Pipeline.Sampling;

namespace Pipeline.Engine.Tests;

/// <summary>
/// Inpainting and variation of sources that are not the model's size, on the real emoji-32 pack: the result comes back
/// at the source's size, and every pixel outside the (feathered) regenerated region is the source's, byte for byte.
/// </summary>
public sealed class FullResolutionTests
{
    [Fact]
    public async Task Inpainting_CornerMaskOutsideTheCentredFitOf128x96_SourceSizeOutOnlyTheMaskChanged()
    {
        await using var emoji = new EmojiPack();
        var original = EmojiPack.Source(128, 96);
        // The centred fit is 96×96 at (16,0): this rectangle lies wholly left of it.
        var rectangle = new PixelRect(2, 70, 12, 20);

        var result = await emoji.Engine.RunAsync(Inpainting("corner", 5, PngWriter.Encode(original), rectangle, feather: 2));

        var image = ImageReader.Read(result.Png);
        Assert.Equal((128, 96), (image.Width, image.Height));
        Assert.Equal((128, 96), (result.Metadata.ImageWidth, result.Metadata.ImageHeight));
        Assert.StartsWith("region ", result.Metadata.SourceFit, StringComparison.Ordinal);
        Assert.EndsWith(" of 128×96 -> 32×32", result.Metadata.SourceFit, StringComparison.Ordinal);
        var region = WorkRegion.Around(rectangle, 128, 96, 32, 32).Crop;
        var band = 2.0 * region.Width / 32;
        var (inside, changedInside) = (0, 0);
        for (var y = 0; y < 96; y++)
        {
            for (var x = 0; x < 128; x++)
            {
                var distance = Distance(x, y, rectangle);
                if (distance >= band + 1)
                {
                    Assert.True(Pixel(original, x, y) == Pixel(image, x, y), $"pixel ({x},{y}) outside the feathered mask changed");
                }
                else if (distance == 0)
                {
                    inside++;
                    changedInside += Pixel(original, x, y) == Pixel(image, x, y) ? 0 : 1;
                }
            }
        }

        Assert.True(changedInside > inside / 2, $"{changedInside} of {inside} masked pixels changed");
    }

    [Fact]
    public async Task Inpainting_SameSeedTwice_SamePng()
    {
        await using var emoji = new EmojiPack();
        var source = PngWriter.Encode(EmojiPack.Source(128, 96));
        var job = Inpainting("a", 9, source, new PixelRect(90, 10, 30, 30), feather: 3);

        var first = await emoji.Engine.RunAsync(job);
        var second = await emoji.Engine.RunAsync(job with { JobId = "b" });

        Assert.Equal(first.Tokens, second.Tokens);
        Assert.Equal(first.Png, second.Png);
    }

    [Fact]
    public async Task Variation_100x60_SourceSizeOutIdenticalOutsideTheRemaskedFootprint()
    {
        await using var emoji = new EmojiPack();
        var original = EmojiPack.Source(100, 60);
        const float Strength = 0.25f;
        const long Seed = 21;

        var result = await emoji.Engine.RunAsync(new EngineJob
        {
            JobId = "v", Kind = JobKind.Variation, Seed = Seed, Steps = 8, Strength = Strength, SourceImage = PngWriter.Encode(original),
        });

        var image = ImageReader.Read(result.Png);
        Assert.Equal((100, 60), (image.Width, image.Height));
        Assert.Equal((100, 60), (result.Metadata.ImageWidth, result.Metadata.ImageHeight));
        Assert.StartsWith("center-crop ", result.Metadata.SourceFit, StringComparison.Ordinal);
        // The re-masked positions depend on the seed and strength only (TokenMasks.MaskVariation), not on the tokens.
        var probe = new long[64];
        TokenMasks.MaskVariation(probe, Strength, Seed, maskId: -1);
        var fit = FitTransform.Create(100, 60, 32, 32);
        var footprint = MaskFitter.Lift(MaskFitter.FromTokens([.. probe.Select(t => t == -1)], 8, 8, 32, 32), fit);
        // Default feather: 2 model pixels, 60/32 source pixels each; a square neighbourhood of the band's reach holds it.
        var reach = (int)Math.Ceiling((2.0 * 60 / 32) + 1);
        var (regenerated, changed) = (0, 0);
        for (var y = 0; y < 60; y++)
        {
            for (var x = 0; x < 100; x++)
            {
                if (footprint[x, y])
                {
                    regenerated++;
                    changed += Pixel(original, x, y) == Pixel(image, x, y) ? 0 : 1;
                }
                else if (!Near(footprint, x, y, reach))
                {
                    Assert.True(Pixel(original, x, y) == Pixel(image, x, y), $"pixel ({x},{y}) outside the re-masked footprint changed");
                }
            }
        }

        Assert.True(regenerated > 0 && changed > regenerated / 2, $"{changed} of {regenerated} footprint pixels changed");
        for (var y = 0; y < 60; y++)
        {
            // Outside the centred fit (columns 0..19 and 80..99) the source is kept as is.
            Assert.True(Pixel(original, 0, y) == Pixel(image, 0, y) && Pixel(original, 99, y) == Pixel(image, 99, y));
        }
    }

    [Fact]
    public async Task Variation_100x60_SameSeedTwice_SamePng()
    {
        await using var emoji = new EmojiPack();
        var job = new EngineJob { JobId = "a", Kind = JobKind.Variation, Seed = 4, Steps = 8, Strength = 0.5f, SourceImage = PngWriter.Encode(EmojiPack.Source(100, 60)) };

        var first = await emoji.Engine.RunAsync(job);
        var second = await emoji.Engine.RunAsync(job with { JobId = "b" });

        Assert.Equal(first.Png, second.Png);
    }

    [Fact]
    public async Task Inpainting_MaskWiderThanTheLargestRegion_FailsMaskInvalidBeforeQueueing()
    {
        await using var emoji = new EmojiPack();

        var e = await Assert.ThrowsAsync<InvalidJobException>(() => emoji.Engine.RunAsync(
            Inpainting("wide", 1, PngWriter.Encode(EmojiPack.Source(128, 96)), new PixelRect(0, 40, 128, 8), feather: 2)));

        Assert.Equal(ContractErrorCodes.MaskInvalid, e.Code);
    }

    private static EngineJob Inpainting(string id, long seed, byte[] source, PixelRect r, float feather) => new()
    {
        JobId = id, Kind = JobKind.Inpainting, Seed = seed, Steps = 8, SourceImage = source, FeatherPixels = feather,
        MaskRectangles = [new MaskRectangle { X = r.X, Y = r.Y, Width = r.Width, Height = r.Height }],
    };

    private static (byte, byte, byte) Pixel(RgbImage image, int x, int y)
    {
        var i = 3 * ((y * image.Width) + x);
        return (image.Rgb[i], image.Rgb[i + 1], image.Rgb[i + 2]);
    }

    private static double Distance(int x, int y, PixelRect r)
    {
        double dx = x < r.X ? r.X - x : x >= r.X + r.Width ? x - (r.X + r.Width - 1) : 0;
        double dy = y < r.Y ? r.Y - y : y >= r.Y + r.Height ? y - (r.Y + r.Height - 1) : 0;
        return Math.Sqrt((dx * dx) + (dy * dy));
    }

    private static bool Near(PixelMask mask, int x, int y, int reach)
    {
        for (var v = Math.Max(0, y - reach); v <= Math.Min(mask.Height - 1, y + reach); v++)
        {
            for (var u = Math.Max(0, x - reach); u <= Math.Min(mask.Width - 1, x + reach); u++)
            {
                if (mask[u, v])
                {
                    return true;
                }
            }
        }

        return false;
    }
}
