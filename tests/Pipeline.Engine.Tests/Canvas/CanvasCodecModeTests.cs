using Pipeline.Inference;
using Pipeline.Inference.Canvas;

namespace Pipeline.Engine.Tests.Canvas;

/// <summary>
/// The engine's canvas codec on a pack with dynamic graphs follows <see cref="EngineOptions.CanvasOnePassMaxTokens"/>:
/// one pass up to that many tokens, tiles above (tests/fixtures/canvas/tiny-pack-v2: 2 px tokens, model grid 8×8).
/// </summary>
public sealed class CanvasCodecModeTests : IDisposable
{
    private readonly ModelPack _pack = ModelPack.Load(FixtureDirectory(), new InferenceOptions { Provider = ExecutionProvider.Cpu, IntraOpThreads = 1 });

    [Fact]
    public void EngineCanvasCodec_AboveTheLimitTiled_UpToItOnePass()
    {
        var source = new RegistryPackSource(new OnePack(_pack), new EngineOptions { CanvasOnePassMaxTokens = 128 });

        var codec = source.Find(null)!.Canvas!;

        Assert.Equal(CanvasCodecMode.Dynamic, codec.ModeFor(8, 16));   // 128 tokens
        Assert.Equal(CanvasCodecMode.Tiled, codec.ModeFor(8, 24));     // 192
        Assert.Equal(CanvasCodecMode.Tiled, codec.ModeFor(16, 16));    // 256
        // Through the codec the runner calls: above the limit its pixels are the tiled codec's.
        var ids = new long[16 * 16];
        Array.Fill(ids, 3);
        float[] pixels = new float[3 * 32 * 32], tiled = new float[pixels.Length];
        codec.Decode(ids, 16, 16, pixels);
        CanvasCodecs.For(_pack, CanvasCodecMode.Tiled).Decode(ids, 16, 16, tiled);
        Assert.Equal(tiled, pixels);
    }

    [Fact]
    public void DefaultLimit_IsThePackSizedDefault()
    {
        var codec = EngineModelPack.From(_pack, Sampling.StepBudgetPolicy.Default, new EngineOptions().CanvasOnePassMaxTokens).Canvas!;

        Assert.Equal(CanvasCodecMode.Dynamic, codec.ModeFor(16, 32));  // 512 tokens: the default limit
        Assert.Equal(CanvasCodecMode.Tiled, codec.ModeFor(16, 36));
        Assert.Equal(CanvasCodecMode.Tiled, codec.ModeFor(32, 32));
    }

    public void Dispose() => _pack.Dispose();

    private static string FixtureDirectory() => RepoFiles.Find("tests/fixtures/canvas/tiny-pack-v2");

    private sealed class OnePack(ModelPack pack) : IModelPackProvider
    {
        public string DefaultPackName => pack.Manifest.Name;

        public IReadOnlyList<string> AvailablePackNames => [pack.Manifest.Name];

        public ModelPack Get(string name) => name == pack.Manifest.Name ? pack : throw new UnknownModelPackException(name, [pack.Manifest.Name], []);
    }
}
