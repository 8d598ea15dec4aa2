using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Engine;
using Pipeline.Engine.Adapters;
using Pipeline.Imaging;
using Pipeline.Inference;
using Pipeline.Sampling;
using EngineRectangle = Pipeline.Engine.MaskRectangle;

namespace Pipeline.Cli.Tests;

/// <summary>The engine's ports over Imaging and Inference, end to end on the tiny pack.</summary>
public sealed class AdapterTests : IDisposable
{
    private readonly ModelPackRegistry _registry = new(
        new ModelPackRegistryOptions { SearchDirectories = [Cli.Fixtures], DefaultPackName = "tiny-test", Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu } },
        NullLogger<ModelPackRegistry>.Instance);

    [Fact]
    public void RegistryPackProvider_TinyPack_MapsManifestSizesAndDefaults()
    {
        var provider = new RegistryPackProvider(_registry);

        var pack = provider.Find(null)!;

        Assert.Equal(("tiny-test", "0.0.1"), (pack.Name, pack.Version));
        Assert.Equal((16, 16, 8, 8, 32), (pack.ImageWidth, pack.ImageHeight, pack.LatentHeight, pack.LatentWidth, pack.CodebookSize));
        Assert.Equal(new PackSamplingDefaults(1f, UnmaskOrder.Reference), pack.Defaults);
        Assert.Same(pack, provider.Find("tiny-test"));
        Assert.Null(provider.Find("nope"));
        Assert.Equal(["tiny-test"], provider.Names);
    }

    [Fact]
    public void ManifestStepBudgets_TinyManifest_UsesItsRange()
    {
        var budgets = ManifestStepBudgets.From(new SamplingDefaults(DefaultSteps: 8, MinSteps: 2, MaxSteps: 64), degradeUnderBacklog: false);

        Assert.Equal(new StepBudget(8, 2, 64, 0), budgets.For(PriorityClass.Bulk));
        Assert.Equal(256, ManifestStepBudgets.From(null).For(PriorityClass.Standard).BacklogAtMinimum);
        Assert.Equal(new StepBudget(4, 4, 4, 32), ManifestStepBudgets.From(new SamplingDefaults(MaxSteps: 4)).For(PriorityClass.Bulk));
    }

    [Fact]
    public void ImagingImageCodec_WideSource_CenterCropsAndDescribesTheFit()
    {
        var codec = new ImagingImageCodec();
        var png = PngWriter.Encode(RgbImage.Filled(40, 20, 10, 20, 30));

        var fitted = codec.DecodeAndFit(png, 16, 16);

        Assert.Equal((16, 16, 40, 20), (fitted.Width, fitted.Height, fitted.SourceWidth, fitted.SourceHeight));
        Assert.Equal(3 * 16 * 16, fitted.Pixels.Length);
        Assert.Contains("center-crop", fitted.Description, StringComparison.Ordinal);
        Assert.Equal(10 / 255f, fitted.Pixels[0], 3);
    }

    [Theory]
    [InlineData(new byte[0], "image_empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "image_undecodable")]
    public void ImagingImageCodec_BadBytes_InvalidJobWithImagingCode(byte[] bytes, string code)
    {
        var e = Assert.Throws<InvalidJobException>(() => new ImagingImageCodec().DecodeAndFit(bytes, 16, 16));

        Assert.Equal(code, e.Code);
        Assert.Contains("PNG, JPEG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImagingImageCodec_SourceSizedRectangle_MapsThroughTheFit()
    {
        var codec = new ImagingImageCodec();
        var source = codec.DecodeAndFit(PngWriter.Encode(RgbImage.Filled(32, 32, 0, 0, 0)), 16, 16);

        var mask = codec.RasterizeMask([new EngineRectangle(0, 0, 16, 32)], source);

        Assert.Equal(256, mask.Length);
        Assert.Equal(128, mask.Count(v => v == 1f));
        Assert.Equal(1f, mask[(15 * 16) + 7]);
        Assert.Equal(0f, mask[(15 * 16) + 8]);
        Assert.Equal("mask_invalid", Assert.Throws<InvalidJobException>(() => codec.RasterizeMask([new EngineRectangle(40, 40, 2, 2)], source)).Code);
    }

    [Fact]
    public async Task JobEngine_OverAdapters_RunsEveryKindOnTheTinyPack()
    {
        var provider = new RegistryPackProvider(_registry);
        var codec = new ImagingImageCodec();
        await using var engine = new JobEngine(provider, codec, new EngineOptions { MaxBatch = 4 }, TimeProvider.System, NullLogger<JobEngine>.Instance);
        var source = PngWriter.Encode(RgbImage.Filled(16, 16, 200, 100, 50));

        var results = await Task.WhenAll(
            engine.RunAsync(new EngineJob { JobId = "g", Kind = JobKind.Generation, Seed = 1, Steps = 4 }),
            engine.RunAsync(new EngineJob { JobId = "v", Kind = JobKind.Variation, Seed = 2, Steps = 4, Strength = 0.5f, SourceImage = source }),
            engine.RunAsync(new EngineJob
            {
                JobId = "i", Kind = JobKind.Inpainting, Seed = 3, Steps = 4, SourceImage = source, FeatherPixels = 0,
                MaskRectangles = [new EngineRectangle(0, 0, 4, 4)],
            }));

        Assert.All(results, r => Assert.Equal((16, 16), (ImageReader.Read(r.Png).Width, ImageReader.Read(r.Png).Height)));
        Assert.Equal([64, 32, 4], results.Select(r => r.Metadata.MaskedTokens));
        var inpainted = ImageReader.Read(results[2].Png);
        // Outside the regenerated patches, with no feather, every pixel is the source's.
        Assert.Equal([200, 100, 50], inpainted.Rgb[^3..]);
    }

    [Theory]
    [InlineData(DenoiserPrecision.Float32, "fp32")]
    [InlineData(DenoiserPrecision.Int8, "int8")]
    public async Task JobEngine_OverAdapters_RecordsTheDenoiserPrecisionInTheResult(DenoiserPrecision precision, string recorded)
    {
        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions
        {
            SearchDirectories = [Cli.Fixtures],
            DefaultPackName = "tiny-test",
            Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, DenoiserPrecision = precision },
        }, NullLogger<ModelPackRegistry>.Instance);
        await using var engine = new JobEngine(new RegistryPackProvider(registry), new ImagingImageCodec(), new EngineOptions { MaxBatch = 1 },
            TimeProvider.System, NullLogger<JobEngine>.Instance);

        var result = await engine.RunAsync(new EngineJob { JobId = "p", Kind = JobKind.Generation, Seed = 1, Steps = 2 });

        Assert.Equal(recorded, result.Metadata.DenoiserPrecision);
    }

    public void Dispose() => _registry.Dispose();
}
