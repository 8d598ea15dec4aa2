using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Pipeline.Contracts;
using Pipeline.Engine;
using Pipeline.Imaging;
using Pipeline.Inference;
using Pipeline.Sampling;

namespace Pipeline.Cli.Tests;

/// <summary>The engine as hosts build it (<see cref="EngineFactory"/>: packs from a registry, images through Imaging), end to end on the tiny pack.</summary>
public sealed class RegistryEngineTests : IDisposable
{
    private readonly ModelPackRegistry _registry = new(
        new ModelPackRegistryOptions { SearchDirectories = [Cli.Fixtures], DefaultPackName = "tiny-test", Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu } },
        NullLogger<ModelPackRegistry>.Instance);

    private readonly List<string> _temporary = [];

    [Fact]
    public void RegistryPackSource_TinyPack_MapsManifestSizesDefaultsAndBudgets()
    {
        var source = new RegistryPackSource(_registry, new EngineOptions { DegradeUnderBacklog = false });

        var pack = source.Find(null)!;

        Assert.Equal(("tiny-test", "0.0.1"), (pack.Name, pack.Version));
        Assert.Equal((16, 16, 8, 8, 32), (pack.ImageWidth, pack.ImageHeight, pack.LatentHeight, pack.LatentWidth, pack.CodebookSize));
        Assert.Equal((1f, UnmaskOrder.Reference), (pack.DefaultTemperature, pack.DefaultOrder));
        Assert.Equal(new StepBudget(8, 2, 64, 0), pack.Budgets.For(PriorityClass.Bulk));
        Assert.Same(pack, source.Find("tiny-test"));
        Assert.Null(source.Find("nope"));
        Assert.Equal(["tiny-test"], source.Names);
    }

    [Fact]
    public void ImageCodec_WideSource_CenterCropsAndDescribesTheFit()
    {
        var codec = new ImageCodec();
        var png = PngWriter.Encode(RgbImage.Filled(40, 20, 10, 20, 30));

        var fitted = codec.DecodeAndFit(png, 16, 16);

        Assert.Equal((16, 16, 40, 20), (fitted.Image.Width, fitted.Image.Height, fitted.Transform.SourceWidth, fitted.Transform.SourceHeight));
        Assert.Contains("center-crop", fitted.Description, StringComparison.Ordinal);
        Assert.Equal(10, fitted.Image.Rgb[0]);
    }

    [Theory]
    [InlineData(new byte[0], "image_empty")]
    [InlineData(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, "image_undecodable")]
    public void ImageCodec_BadBytes_ImageInputWithContractCodeAndHint(byte[] bytes, string code)
    {
        var e = Assert.Throws<ImageInputException>(() => new ImageCodec().DecodeAndFit(bytes, 16, 16));

        Assert.Equal(code, e.Code);
        Assert.Contains("PNG, JPEG", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ImageCodec_SourceSizedRectangle_MapsThroughTheFit()
    {
        var codec = new ImageCodec();
        var source = codec.DecodeAndFit(PngWriter.Encode(RgbImage.Filled(32, 32, 0, 0, 0)), 16, 16);

        var mask = codec.RasterizeMask([Rectangle(0, 0, 16, 32)], source).Mask;

        Assert.Equal((16, 16, 128), (mask.Width, mask.Height, mask.Count));
        Assert.True(mask[7, 15]);
        Assert.False(mask[8, 15]);
        Assert.Equal("mask_invalid", Assert.Throws<ImageInputException>(() => codec.RasterizeMask([Rectangle(40, 40, 2, 2)], source)).Code);
    }

    [Fact]
    public async Task Engine_OverTheRegistry_RunsEveryKindOnTheTinyPack()
    {
        await using var engine = EngineFactory.Create(_registry, new EngineOptions { MaxBatch = 4 }, TimeProvider.System, NullLoggerFactory.Instance);
        var source = PngWriter.Encode(RgbImage.Filled(16, 16, 200, 100, 50));

        var results = await Task.WhenAll(
            engine.RunAsync(new EngineJob { JobId = "g", Kind = JobKind.Generation, Seed = 1, Steps = 4 }),
            engine.RunAsync(new EngineJob { JobId = "v", Kind = JobKind.Variation, Seed = 2, Steps = 4, Strength = 0.5f, SourceImage = source }),
            engine.RunAsync(new EngineJob
            {
                JobId = "i", Kind = JobKind.Inpainting, Seed = 3, Steps = 4, SourceImage = source, FeatherPixels = 0,
                MaskRectangles = [Rectangle(0, 0, 4, 4)],
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
    public async Task Engine_OverTheRegistry_RecordsTheDenoiserPrecisionInTheResult(DenoiserPrecision precision, string recorded)
    {
        using var registry = new ModelPackRegistry(new ModelPackRegistryOptions
        {
            SearchDirectories = [Cli.Fixtures],
            DefaultPackName = "tiny-test",
            Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu, DenoiserPrecision = precision },
        }, NullLogger<ModelPackRegistry>.Instance);
        await using var engine = EngineFactory.Create(registry, new EngineOptions { MaxBatch = 1 }, TimeProvider.System, NullLoggerFactory.Instance);

        var result = await engine.RunAsync(new EngineJob { JobId = "p", Kind = JobKind.Generation, Seed = 1, Steps = 2 });

        Assert.Equal(recorded, result.Metadata.DenoiserPrecision);
    }

    [Fact]
    public async Task Engine_TwoPacksWithDifferentManifests_EachRunsItsOwnClassBudgets()
    {
        var root = TwoPacks(
            ("tiny-a", new JsonObject { ["defaultSteps"] = 6, ["minSteps"] = 2, ["maxSteps"] = 12 }),
            ("tiny-b", new JsonObject
            {
                ["defaultSteps"] = 10, ["maxSteps"] = 40,
                ["priorities"] = new JsonObject { ["interactive"] = new JsonObject { ["defaultSteps"] = 3 }, ["bulk"] = new JsonObject { ["defaultSteps"] = 20 } },
            }));
        using var registry = Registry(root);
        await using var engine = EngineFactory.Create(registry, new EngineOptions { MaxBatch = 4 }, TimeProvider.System, NullLoggerFactory.Instance);

        var steps = await StepsRequestedAsync(engine, "tiny-a", "tiny-b");

        Assert.Equal([6, 6, 6], steps["tiny-a"]);
        Assert.Equal([3, 10, 20], steps["tiny-b"]);
        var tooMany = await Assert.ThrowsAsync<InvalidJobException>(() => engine.RunAsync(Generation("a-30", "tiny-a", PriorityClass.Standard) with { Steps = 30 }));
        Assert.Equal(ContractErrorCodes.StepsOutOfRange, tooMany.Code);
        Assert.Equal(30, (await engine.RunAsync(Generation("b-30", "tiny-b", PriorityClass.Standard) with { Steps = 30 })).Metadata.StepsRequested);
    }

    [Fact]
    public async Task Engine_DeploymentBudgets_WinOverTheManifestForTheirPackOnly()
    {
        var root = TwoPacks(("tiny-a", new JsonObject { ["defaultSteps"] = 6 }), ("tiny-b", new JsonObject { ["defaultSteps"] = 6 }));
        using var registry = Registry(root);
        var options = new EngineOptions { MaxBatch = 4 };
        options.Budgets["TINY-A"] = new PriorityStepBudgets(Interactive: new StepBudgetSpec(DefaultSteps: 2), Bulk: new StepBudgetSpec(DefaultSteps: 9));
        await using var engine = EngineFactory.Create(registry, options, TimeProvider.System, NullLoggerFactory.Instance);

        var steps = await StepsRequestedAsync(engine, "tiny-a", "tiny-b");

        Assert.Equal([2, 6, 9], steps["tiny-a"]);
        Assert.Equal([6, 6, 6], steps["tiny-b"]);
    }

    public void Dispose()
    {
        _registry.Dispose();
        foreach (var directory in _temporary)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static MaskRectangle Rectangle(int x, int y, int width, int height) => new() { X = x, Y = y, Width = width, Height = height };

    private static EngineJob Generation(string id, string pack, PriorityClass priority) =>
        new() { JobId = id, Kind = JobKind.Generation, ModelPack = pack, Priority = priority, Seed = 1 };

    /// <summary>Steps requested by a job that names none, per pack, for interactive, standard and bulk.</summary>
    private static async Task<Dictionary<string, int[]>> StepsRequestedAsync(JobEngine engine, params string[] packs)
    {
        var steps = new Dictionary<string, int[]>();
        foreach (var pack in packs)
        {
            var results = await Task.WhenAll(Enum.GetValues<PriorityClass>()
                .Select(p => engine.RunAsync(Generation($"{pack}-{JobPriorities.Name(p)}", pack, p))));
            steps[pack] = [.. results.Select(r => r.Metadata.StepsRequested)];
        }

        return steps;
    }

    private static ModelPackRegistry Registry(string root) => new(
        new ModelPackRegistryOptions { SearchDirectories = [root], DefaultPackName = "tiny-a", Inference = new InferenceOptions { Provider = ExecutionProvider.Cpu } },
        NullLogger<ModelPackRegistry>.Instance);

    /// <summary>Copies of the tiny pack under new names, each with its own manifest <c>sampling</c> block.</summary>
    private string TwoPacks(params (string Name, JsonObject Sampling)[] packs)
    {
        var root = Directory.CreateTempSubdirectory("pipeline-packs-").FullName;
        _temporary.Add(root);
        foreach (var (name, sampling) in packs)
        {
            var target = Path.Combine(root, name);
            foreach (var file in Directory.EnumerateFiles(Cli.TinyPack, "*", SearchOption.AllDirectories))
            {
                var destination = Path.Combine(target, Path.GetRelativePath(Cli.TinyPack, file));
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                File.Copy(file, destination);
            }

            var manifestPath = Path.Combine(target, "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
            manifest["name"] = name;
            manifest["sampling"] = sampling;
            File.WriteAllText(manifestPath, manifest.ToJsonString());
        }

        return root;
    }
}
